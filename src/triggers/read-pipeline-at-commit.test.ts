import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mirrorDirFor } from './open-mirror.js';
import { readPipelineAtCommit } from './read-pipeline-at-commit.js';
import { createTempDir, createTestRepo, type TestRepo } from './test-support/git-repo.js';

const pipelineV1 = 'name: ci\nstages:\n  - name: build\n    steps: [{ run: make }]\n';
const pipelineV2 = 'name: ci\nstages:\n  - name: build\n    steps: [{ run: make test }]\n';

describe('readPipelineAtCommit', () => {
  let repo: TestRepo;
  let cacheDir: string;
  let first: string;
  beforeAll(async () => {
    repo = await createTestRepo();
    cacheDir = await createTempDir('slipway-mirrors-');
    first = await repo.commit({ '.pipeline.yml': pipelineV1, 'src/app.ts': 'one' });
  });
  afterAll(async () => {
    await repo.remove();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('reads the file at a commit through a bare mirror it creates', async () => {
    const read = await readPipelineAtCommit({ repoUrl: repo.dir, commitSha: first, cacheDir });
    expect(read).toEqual({ text: pipelineV1, file: '.pipeline.yml', commitSha: first, mirrorDir: mirrorDirFor(cacheDir, repo.dir) });
    const isBare = await promisify(execFile)('git', [`--git-dir=${read.mirrorDir}`, 'rev-parse', '--is-bare-repository']);
    expect(isBare.stdout.trim()).toBe('true');
    // Only the mirror: the staging directory of the clone is gone.
    expect(await readdir(cacheDir)).toEqual([read.mirrorDir.split('/').at(-1)]);
  });

  test('a later commit is fetched on demand, and the earlier one still reads as it was', async () => {
    await readPipelineAtCommit({ repoUrl: repo.dir, commitSha: first, cacheDir });
    const second = await repo.commit({ '.pipeline.yml': pipelineV2 });
    expect((await readPipelineAtCommit({ repoUrl: repo.dir, commitSha: second, cacheDir })).text).toBe(pipelineV2);
    expect((await readPipelineAtCommit({ repoUrl: repo.dir, commitSha: first, cacheDir })).text).toBe(pipelineV1);
  });

  test('concurrent reads of a new commit all succeed and leave a sound mirror', async () => {
    const third = await repo.commit({ 'ci/pipeline.yml': pipelineV2 });
    const reads = await Promise.all(
      Array.from({ length: 5 }, () => readPipelineAtCommit({ repoUrl: repo.dir, commitSha: third, cacheDir, file: 'ci/pipeline.yml' })),
    );
    expect(reads.map((r) => r.text)).toEqual(Array(5).fill(pipelineV2));
    const fsck = await promisify(execFile)('git', [`--git-dir=${reads[0]!.mirrorDir}`, 'fsck', '--strict', '--no-dangling']);
    expect(fsck.stderr).toBe('');
  });

  test('a missing file and an unknown commit are not_found, saying which', async () => {
    await expect(readPipelineAtCommit({ repoUrl: repo.dir, commitSha: first, cacheDir, file: 'nope.yml' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(`no nope.yml at ${first} in ${repo.dir}`),
    });
    const unknown = 'f'.repeat(40);
    await expect(readPipelineAtCommit({ repoUrl: repo.dir, commitSha: unknown, cacheDir })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(`commit ${unknown} is not in ${repo.dir}`),
    });
    await expect(readPipelineAtCommit({ repoUrl: repo.dir, commitSha: first, cacheDir, file: 'src' })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('is a tree, not a file'),
    });
  });

  test('refuses option injection and odd paths before running git', async () => {
    const base = { commitSha: first, cacheDir };
    for (const repoUrl of ['--upload-pack=touch /tmp/pwned', '-oProxyCommand=x', 'ext::sh -c touch% /tmp/pwned', 'relative/path']) {
      await expect(readPipelineAtCommit({ ...base, repoUrl })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    for (const commitSha of ['HEAD', '--all', first.slice(0, 12), `${first}^`]) {
      await expect(readPipelineAtCommit({ repoUrl: repo.dir, cacheDir, commitSha })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    for (const file of ['/etc/passwd', '../x', 'a//b', '']) {
      await expect(readPipelineAtCommit({ ...base, repoUrl: repo.dir, file })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
  });

  test('an unreachable repository is unavailable, with git’s reason', async () => {
    const missing = `${repo.dir}-missing`;
    await expect(readPipelineAtCommit({ repoUrl: missing, commitSha: first, cacheDir })).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining(`cannot clone ${missing}`),
    });
  });
});
