import { open, readFile, rm } from 'node:fs/promises';
import { AppError, ErrorCode } from '../../errors/app-error.js';

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * PGlite has no postmaster to keep a second process out: two processes writing one data directory
 * corrupt it. A `<dataDir>.lock` file holding the owner's pid keeps them out; a lock left by a
 * process that no longer exists (a crash, kill -9) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = `${dataDir}.lock`;
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError(ErrorCode.unavailable, `cannot create the lock file ${file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `the embedded store ${dataDir} is in use by another Slipway process (pid ${owner}) — stop it, or pass another --data-dir (if no Slipway is running, delete ${file})`,
        { details: { pid: owner, dataDir } },
      );
    }
    // Stale (its process is gone) or unreadable: remove it and try again.
    await rm(file, { force: true });
  }
  throw new AppError(ErrorCode.unavailable, `could not take the lock ${file}; another process keeps replacing it`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
