import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { TarEntry } from '../tar/tar-entry.js';
import { writeTar } from '../tar/write-tar.js';
import type { MatchedFile } from './match-files.js';

/**
 * A tar stream of `files` (from matchFiles) read from rootDir, in their order. Only paths and permission
 * bits are kept — no owners or times — so the same files always pack to the same bytes and digest.
 */
export function packFiles(rootDir: string, files: readonly MatchedFile[]): AsyncGenerator<Buffer> {
  const entries = files.map((file): TarEntry => {
    if (file.type === 'symlink') return { type: 'symlink', path: file.path, mode: 0o777, target: file.target ?? '.' };
    return {
      type: 'file',
      path: file.path,
      mode: file.mode,
      size: file.size,
      body: () => createReadStream(join(rootDir, ...file.path.split('/'))),
    };
  });
  return writeTar(entries);
}
