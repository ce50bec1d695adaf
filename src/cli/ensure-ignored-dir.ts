import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Creates Slipway's state directory (`.slipway/`) with a `.gitignore` of `*` inside, so workspaces
 * and the embedded store never show up in `git status` or get committed, whatever the repository's
 * own .gitignore says.
 */
export async function ensureIgnoredDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
