import { mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAppError } from '../../errors/app-error.js';
import { openMirror, resolveCommitInMirror } from '../../triggers/index.js';
import { createFailure } from '../failure.js';
import type { Action, ActionContext, ActionOutcome, ExecResult } from './action.js';

/**
 * Local mode (what `act` does): the workspace already holds a copy of the user's working tree.
 * Giving it the repository's .git and resetting only the index makes HEAD the user's HEAD commit
 * while their uncommitted edits show up as modifications — the job tests what is on disk, with
 * history available. `with: {ref}` instead checks out that ref forcibly (a clean tree at ref).
 *
 * Remote mode (a job an agent got from a server): the empty workspace becomes a checkout of exactly
 * the run's commit, cloned from this agent's bare mirror of the repository (fetched only when the
 * commit is missing). `with: {ref}` may name another commit only if it resolves among the mirror's
 * refs or objects (a branch, tag or sha the repository has); it never reaches the network itself.
 */
export function createGitCheckoutAction(): Action {
  return { name: 'git-checkout', run: checkout };
}

async function checkout(ctx: ActionContext): Promise<ActionOutcome> {
  const source = ctx.source;
  if (source === undefined) {
    return {
      ok: false,
      failure: createFailure('infra', 'git-checkout needs a source repository, and this runner was given none'),
    };
  }
  if (source.kind === 'local') return checkoutLocal(ctx, source.repoDir);
  return checkoutRemote(ctx, source.repoUrl, source.commitSha, source.mirrorCacheDir);
}

async function checkoutLocal(ctx: ActionContext, source: string): Promise<ActionOutcome> {
  const failed = await adoptGitDir(ctx, source);
  if (failed) return failed;
  const ref = ctx.step.with['ref'];
  const commands: [string, ...string[]][] =
    ref === undefined || ref === ''
      ? [['git', 'reset', '--quiet']]
      : [
          ['git', 'checkout', '--quiet', '--force', ref],
          ['git', 'clean', '-ffdq'],
        ];
  for (const argv of commands) {
    const result = await ctx.exec(argv, { cwd: ctx.workspaceDir });
    if (!succeeded(result)) return gitFailed(argv.slice(0, 2).join(' '), result.stderrTail, result.exitCode);
  }
  ctx.log(ref ? `checked out ${ref}` : `checked out HEAD of ${source} with local changes`);
  return { ok: true };
}

async function checkoutRemote(ctx: ActionContext, repoUrl: string, commitSha: string, mirrorCacheDir: string): Promise<ActionOutcome> {
  let mirrorDir: string;
  try {
    mirrorDir = await openMirror({ repoUrl, commitSha, cacheDir: mirrorCacheDir });
  } catch (error) {
    const message = isAppError(error) || error instanceof Error ? error.message : String(error);
    // A commit gone from the repository is the user's doing; an unreachable host is ours.
    const kind = isAppError(error) && (error.code === 'not_found' || error.code === 'invalid_argument') ? 'user' : 'infra';
    return { ok: false, failure: createFailure(kind, `git-checkout: ${message}`) };
  }
  // --local (hard links), not --shared: the job's steps may run sandboxed with only the workspace
  // visible, so the checkout must not depend on the mirror's objects through alternates.
  const failed = await adoptGitDir(ctx, mirrorDir);
  if (failed) return failed;
  const workspace = ctx.workspaceDir;
  let target = commitSha;
  const ref = ctx.step.with['ref'];
  if (ref !== undefined && ref !== '') {
    let sha: string | undefined;
    try {
      sha = await resolveCommitInMirror(mirrorDir, ref);
    } catch (error) {
      return { ok: false, failure: createFailure('user', `git-checkout: ${error instanceof Error ? error.message : String(error)}`) };
    }
    if (!sha) {
      return {
        ok: false,
        failure: createFailure('user', `git-checkout: ref ${JSON.stringify(ref)} does not name a commit in ${repoUrl}; use a branch, tag or commit id it has`),
      };
    }
    target = sha;
  }
  const steps: [string, ...string[]][] = [
    ['git', 'checkout', '--quiet', '--force', '--detach', target],
    // Jobs that run `git fetch` or `git remote -v` should see the repository, not this agent's mirror.
    ['git', 'remote', 'set-url', 'origin', repoUrl],
  ];
  for (const argv of steps) {
    const result = await ctx.exec(argv, { cwd: workspace });
    if (!succeeded(result)) return gitFailed(argv.slice(0, 2).join(' '), result.stderrTail, result.exitCode);
  }
  ctx.log(ref ? `checked out ${ref} (${target}) of ${repoUrl}` : `checked out ${target} of ${repoUrl}`);
  return { ok: true };
}

/** Clones `from` without a checkout next to the workspace and moves its .git into the workspace. */
async function adoptGitDir(ctx: ActionContext, from: string): Promise<ActionOutcome | undefined> {
  const workspace = ctx.workspaceDir;
  // A sibling of the workspace: same filesystem, so moving .git in is a rename, not a copy.
  const scratch = await mkdtemp(path.join(path.dirname(workspace), `.${path.basename(workspace)}.checkout-`));
  try {
    const cloned = await ctx.exec(['git', 'clone', '--quiet', '--no-checkout', '--local', from, scratch]);
    if (!succeeded(cloned)) return gitFailed(`clone of ${from}`, cloned.stderrTail, cloned.exitCode);
    await rm(path.join(workspace, '.git'), { recursive: true, force: true });
    await rename(path.join(scratch, '.git'), path.join(workspace, '.git'));
    return undefined;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function succeeded(result: Pick<ExecResult, 'ending' | 'exitCode'>): boolean {
  return result.ending === 'exited' && result.exitCode === 0;
}

function gitFailed(what: string, stderrTail: string, exitCode: number | null): ActionOutcome {
  const detail = stderrTail.trim().split('\n').slice(-3).join(' | ') || `exit code ${exitCode}`;
  return { ok: false, failure: createFailure('user', `git-checkout: ${what} failed: ${detail}`) };
}
