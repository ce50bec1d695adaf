import { readTar } from '../tar/read-tar.js';

/** A member of an archive as people browse it: files and symlinks (directories are implied by paths). */
export interface ArchiveFile {
  path: string;
  type: 'file' | 'symlink';
  /** Bytes; 0 for a symlink. */
  size: number;
  /** A symlink's target as stored. */
  target?: string;
}

export interface ArchiveListing {
  files: ArchiveFile[];
  /** True when the archive holds more than `maxFiles` files: only the first ones are listed. */
  truncated: boolean;
}

/**
 * The files of a tar archive in archive order, read as a stream: bodies are skipped, never held.
 * Stops reading after `maxFiles` + 1 entries, so a huge artifact costs a bounded read.
 */
export async function listArchiveFiles(source: AsyncIterable<Uint8Array>, maxFiles: number): Promise<ArchiveListing> {
  const files: ArchiveFile[] = [];
  for await (const entry of readTar(source)) {
    if (entry.type === 'directory') continue;
    if (files.length === maxFiles) return { files, truncated: true };
    files.push(entry.type === 'file' ? { path: entry.path, type: 'file', size: entry.size } : { path: entry.path, type: 'symlink', size: 0, target: entry.target });
  }
  return { files, truncated: false };
}

/** A file's bytes, streamed out of the archive; `close` runs once they end, fail or are abandoned (return). */
export interface ArchiveFileBody extends AsyncIterableIterator<Buffer> {
  return(): Promise<IteratorResult<Buffer>>;
}

export interface OpenedArchiveFile {
  size: number;
  body: ArchiveFileBody;
}

/**
 * Finds `path` in a tar archive and streams its body; undefined when no file has that path (a
 * symlink or directory at the path counts as absent: only file contents are served). `close` is
 * called when the search or the body ends, to release the archive's source.
 */
export async function openArchiveFile(source: AsyncIterable<Uint8Array>, path: string, close: () => void): Promise<OpenedArchiveFile | undefined> {
  const entries = readTar(source);
  try {
    for (;;) {
      const next = await entries.next();
      if (next.done) break;
      const entry = next.value;
      if (entry.type !== 'file' || entry.path !== path) continue;
      const finish = async () => {
        await entries.return(undefined);
        close();
      };
      return { size: entry.size, body: closingBody(entry.body, finish) };
    }
  } catch (error) {
    close();
    throw error;
  }
  close();
  return undefined;
}

/**
 * Not a generator: a generator's `finally` never runs when it is returned before its first `next`
 * (a HEAD request, a client gone before the first byte), and the archive's source would stay open.
 */
function closingBody(source: AsyncIterable<Buffer>, finish: () => Promise<void>): ArchiveFileBody {
  const inner = source[Symbol.asyncIterator]();
  let finished = false;
  const finishOnce = async () => {
    if (finished) return;
    finished = true;
    await finish();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      try {
        const result = await inner.next();
        if (result.done) await finishOnce();
        return result;
      } catch (error) {
        await finishOnce();
        throw error;
      }
    },
    async return() {
      await finishOnce();
      return { done: true, value: undefined };
    },
  };
}
