import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-lock-'));
  dirs.push(dir);
  return join(dir, 'db');
}

describe('lockDataDir', () => {
  it('keeps a second owner out while a live process holds the lock, and lets it in after release', async () => {
    const dataDir = await tempDataDir();
    // Another live process owns the lock: a sleeping child stands in for a second `slipway up`.
    const other = spawn('sleep', ['30']);
    try {
      await writeFile(`${dataDir}.lock`, `${other.pid}\n`);
      await expect(lockDataDir(dataDir)).rejects.toThrow(new RegExp(`in use by another Slipway process \\(pid ${other.pid}\\)`));
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((resolve) => other.once('exit', resolve));
    // Its process is gone: the stale lock is taken over.
    const lock = await lockDataDir(dataDir);
    expect((await readFile(`${dataDir}.lock`, 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    const again = await lockDataDir(dataDir);
    await again.release();
  });

  it('replaces an unreadable lock file', async () => {
    const dataDir = await tempDataDir();
    await writeFile(`${dataDir}.lock`, 'garbage');
    const lock = await lockDataDir(dataDir);
    await lock.release();
  });
});
