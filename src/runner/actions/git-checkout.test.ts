import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock/clock.js';
import type { PlannedJob } from '../../pipeline/model.js';
import { executeJob } from '../execute-job.js';
import { createNoSandbox } from '../sandbox/none.js';
import { createTempDirs, git, makeJob } from '../test-support/fixtures.js';
import { prepareWorkspace } from '../workspace/prepare-workspace.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

/** Two commits (the first tagged v1), then an uncommitted edit and an untracked file. */
async function makeRepo() {
  const repo = await temp.make('slipway-repo-');
  git(repo, 'init', '-q', '-b', 'main');
  await writeFile(path.join(repo, 'app.txt'), 'v1\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'first');
  git(repo, 'tag', 'v1');
  await writeFile(path.join(repo, 'app.txt'), 'v2\n');
  git(repo, 'commit', '-q', '-am', 'second');
  await writeFile(path.join(repo, 'app.txt'), 'v3 uncommitted\n');
  await writeFile(path.join(repo, 'notes.txt'), 'untracked\n');
  return { repo, head: git(repo, 'rev-parse', 'HEAD'), v1: git(repo, 'rev-parse', 'v1') };
}

async function checkout(repo: string, job: PlannedJob, options: { withSource: boolean } = { withSource: true }) {
  const workspaceDir = await prepareWorkspace(repo, await temp.make(), job.id);
  const result = await executeJob(job, {
    workspaceDir,
    sandbox: createNoSandbox(),
    env: { PATH: process.env['PATH'] },
    clock: systemClock,
    sourceRepoDir: options.withSource ? repo : undefined,
    killGraceMs: 300,
  });
  return { result, workspaceDir };
}

describe('git-checkout (local mode)', () => {
  it("makes the workspace a checkout of the repository's HEAD, keeping local changes as modifications", async () => {
    const { repo, head } = await makeRepo();
    const { result, workspaceDir } = await checkout(repo, makeJob('build', [{ uses: 'git-checkout' }]));
    expect(result.status).toBe('succeeded');
    expect(git(workspaceDir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(workspaceDir, 'status', '--porcelain').split('\n').sort()).toEqual([' M app.txt', '?? notes.txt']);
    expect(await readFile(path.join(workspaceDir, 'app.txt'), 'utf8')).toBe('v3 uncommitted\n');
    expect(git(repo, 'status', '--porcelain').split('\n').sort()).toEqual([' M app.txt', '?? notes.txt']);
  });

  it('checks out `with.ref` forcibly, giving a clean tree at that ref', async () => {
    const { repo, v1 } = await makeRepo();
    const { result, workspaceDir } = await checkout(repo, makeJob('build', [{ uses: 'git-checkout', with: { ref: 'v1' } }]));
    expect(result.status).toBe('succeeded');
    expect(git(workspaceDir, 'rev-parse', 'HEAD')).toBe(v1);
    expect(git(workspaceDir, 'status', '--porcelain')).toBe('');
    expect(await readFile(path.join(workspaceDir, 'app.txt'), 'utf8')).toBe('v1\n');
  });

  it('fails the step with git’s reason for an unknown ref', async () => {
    const { repo } = await makeRepo();
    const { result } = await checkout(repo, makeJob('build', [{ uses: 'git-checkout', with: { ref: 'no-such-ref' } }]));
    expect(result.failure?.kind).toBe('user');
    expect(result.failure?.message).toMatch(/^git-checkout: git checkout failed: .*no-such-ref/);
  });

  it('is an infra failure when the runner has no source repository', async () => {
    const { repo } = await makeRepo();
    const { result } = await checkout(repo, makeJob('build', [{ uses: 'git-checkout' }]), { withSource: false });
    expect(result.failure).toMatchObject({ kind: 'infra', retryable: true });
  });
});
