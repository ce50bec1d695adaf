import { blockBytes, type TarReadEntry } from './tar-entry.js';
import { type DecodedHeader, decodeHeader, invalidArchive, padBytes, parsePaxRecords } from './tar-header.js';

/** Largest PAX extended header accepted: it is held in memory. */
const maxPaxBytes = 1024 * 1024;

/**
 * Reads a ustar/PAX archive entry by entry without holding it in memory. Each file's body streams out
 * of the source; a body not read by the time the next entry is requested is skipped. Entry types other
 * than files, directories and symlinks (hard links, devices, GNU extensions) are refused. Paths are
 * returned as stored: checking them is the extractor's job.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarReadEntry> {
  const reader = createByteReader(source);
  let pax: Record<string, string> = {};
  for (;;) {
    const offset = reader.offset;
    const block = await reader.readExact(blockBytes);
    if (!block) throw invalidArchive('it ends without an end-of-archive marker: it is truncated');
    const header = decodeHeader(block, offset);
    if (!header) return;
    const size = pax['size'] !== undefined ? Number(pax['size']) : header.size;
    if (header.typeflag === 'x' || header.typeflag === 'g') {
      if (header.size > maxPaxBytes) throw invalidArchive(`PAX header at byte ${offset} is larger than ${maxPaxBytes} bytes`);
      const data = await reader.readExact(header.size + padBytes(header.size));
      if (!data) throw invalidArchive(`it is truncated inside the PAX header at byte ${offset}`);
      // Global headers ('g') carry nothing this reader uses.
      if (header.typeflag === 'x') pax = parsePaxRecords(data.subarray(0, header.size), offset);
      continue;
    }
    const entry = toEntry(header, pax, size, offset);
    pax = {};
    if (entry.type !== 'file') {
      yield entry;
      continue;
    }
    let remaining = size;
    const body = (async function* () {
      while (remaining > 0) {
        const chunk = await reader.readUpTo(remaining, offset);
        remaining -= chunk.length;
        yield chunk;
      }
    })();
    yield { ...entry, body };
    // Ends a body the caller left part way (or never started); its remaining bytes are skipped.
    await body.return(undefined);
    while (remaining > 0) remaining -= (await reader.readUpTo(remaining, offset)).length;
    const pad = padBytes(size);
    if (pad > 0 && !(await reader.readExact(pad))) throw invalidArchive(`it is truncated after the entry at byte ${offset}`);
  }
}

function toEntry(header: DecodedHeader, pax: Record<string, string>, size: number, offset: number): TarReadEntry {
  const path = pax['path'] ?? header.path;
  const mode = header.mode & 0o7777;
  switch (header.typeflag) {
    case '0':
    case '7':
      if (!Number.isSafeInteger(size) || size < 0) throw invalidArchive(`entry ${JSON.stringify(path)} has an invalid size`);
      return { type: 'file', path, mode, size, body: emptyBody() };
    case '5':
      return { type: 'directory', path: path.replace(/\/+$/, ''), mode };
    case '2':
      return { type: 'symlink', path, mode, target: pax['linkpath'] ?? header.linkTarget };
    default:
      throw invalidArchive(
        `entry ${JSON.stringify(path)} at byte ${offset} has type ${JSON.stringify(header.typeflag)} (${describeType(header.typeflag)}); only files, directories and symlinks are allowed`,
      );
  }
}

function describeType(typeflag: string): string {
  const names: Record<string, string> = {
    '1': 'hard link',
    '3': 'character device',
    '4': 'block device',
    '6': 'FIFO',
    L: 'GNU long name',
    K: 'GNU long link',
  };
  return names[typeflag] ?? 'unknown';
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

interface ByteReader {
  /** Bytes consumed so far. */
  readonly offset: number;
  /** Exactly n bytes; undefined at the end of the source, an error when it ends part way. */
  readExact(n: number): Promise<Buffer | undefined>;
  /** Between 1 and n bytes; an error when the source has ended. */
  readUpTo(n: number, entryOffset: number): Promise<Buffer>;
}

function createByteReader(source: AsyncIterable<Uint8Array>): ByteReader {
  const iterator = source[Symbol.asyncIterator]();
  let buffered: Buffer = Buffer.alloc(0);
  let offset = 0;
  let done = false;

  const fill = async (): Promise<boolean> => {
    if (done) return false;
    const next = await iterator.next();
    if (next.done) {
      done = true;
      return false;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    return true;
  };

  const take = (n: number): Buffer => {
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    offset += n;
    return out;
  };

  return {
    get offset() {
      return offset;
    },
    async readExact(n) {
      while (buffered.length < n) {
        if (!(await fill())) {
          if (buffered.length === 0) return undefined;
          throw invalidArchive(`it is truncated at byte ${offset + buffered.length}`);
        }
      }
      return Buffer.from(take(n));
    },
    async readUpTo(n, entryOffset) {
      if (buffered.length === 0 && !(await fill())) {
        throw invalidArchive(`it is truncated inside the entry at byte ${entryOffset}`);
      }
      return take(Math.min(n, buffered.length));
    },
  };
}
