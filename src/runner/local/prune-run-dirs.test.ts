import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneRunDirs } from './prune-run-dirs.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pruneRunDirs', () => {
  it('keeps the newest runs by their time-ordered ids and removes the rest with their files', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'slipway-prune-'));
    const ids = ['20260101T000000Z-aaaa', '20260301T000000Z-cccc', '20260201T000000Z-bbbb', '20260401T000000Z-dddd'];
    for (const id of ids) {
      await mkdir(path.join(dir, id, 'job'), { recursive: true });
      await writeFile(path.join(dir, id, 'job', 'file'), 'x');
    }
    expect((await pruneRunDirs(dir, 2)).sort()).toEqual(['20260101T000000Z-aaaa', '20260201T000000Z-bbbb']);
    expect((await readdir(dir)).sort()).toEqual(['20260301T000000Z-cccc', '20260401T000000Z-dddd']);
    expect(await pruneRunDirs(dir, 2)).toEqual([]);
  });

  it('is a no-op for a missing directory', async () => {
    expect(await pruneRunDirs(path.join(tmpdir(), 'slipway-no-such-dir-for-prune'), 3)).toEqual([]);
  });
});
