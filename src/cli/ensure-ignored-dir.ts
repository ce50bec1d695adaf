import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors/app-error.js';

/**
 * Creates Slipway's state directory (`.slipway/`) with a `.gitignore` of `*` inside, so workspaces
 * and the embedded store never show up in `git status` or get committed, whatever the repository's
 * own .gitignore says. A directory that cannot be created or written is refused with what to do
 * (`hint`, e.g. which option chooses another), not a stack trace.
 */
export async function ensureIgnoredDir(dir: string, hint = 'fix its permissions or run from a writable directory'): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError(ErrorCode.failedPrecondition, `cannot write the data directory ${dir} (${code}) — ${hint}`, { cause: error });
  }
}
