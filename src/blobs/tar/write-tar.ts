import { AppError, ErrorCode } from '../../errors/app-error.js';
import { blockBytes, type TarEntry } from './tar-entry.js';
import { encodeHeaders, padBytes } from './tar-header.js';

/**
 * Streams a ustar archive of `entries`, in the order given. A file's body is opened when its turn comes
 * and must produce exactly the declared size: a file that changed while being packed fails the archive
 * instead of corrupting it.
 */
export async function* writeTar(entries: Iterable<TarEntry> | AsyncIterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const entry of entries) {
    if (entry.type === 'directory') {
      yield encodeHeaders({ path: entry.path.endsWith('/') ? entry.path : `${entry.path}/`, typeflag: '5', mode: entry.mode, size: 0 });
      continue;
    }
    if (entry.type === 'symlink') {
      yield encodeHeaders({ path: entry.path, typeflag: '2', mode: entry.mode, size: 0, linkTarget: entry.target });
      continue;
    }
    yield encodeHeaders({ path: entry.path, typeflag: '0', mode: entry.mode, size: entry.size });
    let written = 0;
    const body = entry.body();
    for await (const chunk of body instanceof Uint8Array ? [body] : body) {
      written += chunk.length;
      if (written > entry.size) break;
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    if (written !== entry.size) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `${entry.path} changed while it was being archived (expected ${entry.size} bytes, read ${written}${written > entry.size ? '+' : ''})`,
      );
    }
    const pad = padBytes(entry.size);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * blockBytes);
}
