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

describe('git-checkout (remote mode)', () => {
  async function checkoutRemote(repo: string, commitSha: string, job: PlannedJob, mirrorCacheDir: string) {
    const workspaceDir = await temp.make('slipway-ws-');
    const result = await executeJob(job, {
      workspaceDir,
      sandbox: createNoSandbox(),
      env: { PATH: process.env['PATH'] },
      clock: systemClock,
      source: { kind: 'remote', repoUrl: repo, commitSha, mirrorCacheDir },
      killGraceMs: 300,
    });
    return { result, workspaceDir };
  }

  it('fills the empty workspace with exactly the given commit, even when the branch has moved on', async () => {
    const { repo, head, v1 } = await makeRepo();
    const mirrors = await temp.make('slipway-mirrors-');
    const { result, workspaceDir } = await checkoutRemote(repo, v1, makeJob('build', [{ uses: 'git-checkout' }]), mirrors);
    expect(result.status).toBe('succeeded');
    expect(git(workspaceDir, 'rev-parse', 'HEAD')).toBe(v1);
    expect(git(workspaceDir, 'status', '--porcelain')).toBe('');
    expect(await readFile(path.join(workspaceDir, 'app.txt'), 'utf8')).toBe('v1\n');
    expect(git(workspaceDir, 'remote', 'get-url', 'origin')).toBe(repo);

    // A commit made after the mirror was created is fetched into it.
    git(repo, 'commit', '-q', '-am', 'third');
    const third = git(repo, 'rev-parse', 'HEAD');
    expect(third).not.toBe(head);
    const again = await checkoutRemote(repo, third, makeJob('build', [{ uses: 'git-checkout' }]), mirrors);
    expect(again.result.status).toBe('succeeded');
    expect(git(again.workspaceDir, 'rev-parse', 'HEAD')).toBe(third);
  });

  it('checks out `with.ref` only when it resolves in the mirror, and refuses option-like refs', async () => {
    const { repo, head, v1 } = await makeRepo();
    const mirrors = await temp.make('slipway-mirrors-');
    const tagged = await checkoutRemote(repo, head, makeJob('build', [{ uses: 'git-checkout', with: { ref: 'v1' } }]), mirrors);
    expect(tagged.result.status).toBe('succeeded');
    expect(git(tagged.workspaceDir, 'rev-parse', 'HEAD')).toBe(v1);

    const unknown = await checkoutRemote(repo, head, makeJob('build', [{ uses: 'git-checkout', with: { ref: 'no-such-ref' } }]), mirrors);
    expect(unknown.result.failure?.kind).toBe('user');
    expect(unknown.result.failure?.message).toContain('"no-such-ref" does not name a commit');

    const option = await checkoutRemote(repo, head, makeJob('build', [{ uses: 'git-checkout', with: { ref: '--output=/tmp/x' } }]), mirrors);
    expect(option.result.failure?.message).toContain('starts with -');
  });

  it('is a user failure when the commit is not in the repository', async () => {
    const { repo } = await makeRepo();
    const missing = 'a'.repeat(40);
    const { result } = await checkoutRemote(repo, missing, makeJob('build', [{ uses: 'git-checkout' }]), await temp.make('slipway-mirrors-'));
    expect(result.failure?.kind).toBe('user');
    expect(result.failure?.message).toContain(`commit ${missing} is not in ${repo}`);
  });
});
