import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveRef } from './resolve-ref.js';
import { createTempDir, createTestRepo, type TestRepo } from './test-support/git-repo.js';

describe('resolveRef', () => {
  let repo: TestRepo;
  let cacheDir: string;
  let first: string;
  beforeAll(async () => {
    repo = await createTestRepo();
    cacheDir = await createTempDir('slipway-mirrors-');
    first = await repo.commit({ 'a.txt': 'one' });
    await repo.git('tag', 'v1');
  });
  afterAll(async () => {
    await repo.remove();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('resolves a branch, a tag and a full ref name, and follows a branch that moved since the last fetch', async () => {
    expect((await resolveRef({ repoUrl: repo.dir, ref: 'main', cacheDir })).commitSha).toBe(first);
    expect((await resolveRef({ repoUrl: repo.dir, ref: 'v1', cacheDir })).commitSha).toBe(first);
    const second = await repo.commit({ 'a.txt': 'two' });
    expect((await resolveRef({ repoUrl: repo.dir, ref: 'refs/heads/main', cacheDir })).commitSha).toBe(second);
    expect((await resolveRef({ repoUrl: repo.dir, ref: 'v1', cacheDir })).commitSha).toBe(first);
  });

  test('is not_found for a ref the repository lacks, invalid_argument for one git could read as an option', async () => {
    await expect(resolveRef({ repoUrl: repo.dir, ref: 'nope', cacheDir })).rejects.toMatchObject({ code: 'not_found' });
    await expect(resolveRef({ repoUrl: repo.dir, ref: '--all', cacheDir })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(resolveRef({ repoUrl: repo.dir, ref: 'main bad', cacheDir })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
