import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listChangedPaths } from './list-changed-paths.js';
import { openMirror } from './open-mirror.js';
import { createTempDir, createTestRepo, type TestRepo } from './test-support/git-repo.js';

describe('listChangedPaths', () => {
  let repo: TestRepo;
  let cacheDir: string;
  const commits: Record<string, string> = {};
  beforeAll(async () => {
    repo = await createTestRepo();
    cacheDir = await createTempDir('slipway-mirrors-');
    commits.base = await repo.commit({ 'README.md': 'hi', 'src/a.ts': 'a', 'docs/old.md': 'old' });
    commits.main = await repo.commit({ 'src/a.ts': 'a2', 'docs/old.md': null, 'docs/new name.md': 'new' });
    await repo.git('checkout', '--quiet', '-b', 'feature', commits.base);
    commits.feature = await repo.commit({ 'lib/b.ts': 'b' });
  });
  afterAll(async () => {
    await repo.remove();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('lists added, modified and removed files between two commits, sorted', async () => {
    const mirror = await openMirror({ repoUrl: repo.dir, commitSha: commits.feature!, cacheDir });
    expect(await listChangedPaths(mirror, commits.base!, commits.main!)).toEqual(['docs/new name.md', 'docs/old.md', 'src/a.ts']);
  });

  test('from the merge base, as a pull request counts its changes', async () => {
    const mirror = await openMirror({ repoUrl: repo.dir, commitSha: commits.feature!, cacheDir });
    expect(await listChangedPaths(mirror, commits.main!, commits.feature!)).toEqual(['docs/new name.md', 'docs/old.md', 'lib/b.ts', 'src/a.ts']);
    expect(await listChangedPaths(mirror, commits.main!, commits.feature!, { fromMergeBase: true })).toEqual(['lib/b.ts']);
  });

  test('unknown for a new ref or a commit the mirror lacks', async () => {
    const mirror = await openMirror({ repoUrl: repo.dir, commitSha: commits.feature!, cacheDir });
    expect(await listChangedPaths(mirror, '0'.repeat(40), commits.main!)).toBeUndefined();
    expect(await listChangedPaths(mirror, 'e'.repeat(40), commits.main!)).toBeUndefined();
    await expect(listChangedPaths(mirror, '--output=/tmp/x', commits.main!)).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
