import { mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createFailure } from '../failure.js';
import type { Action, ActionContext, ActionOutcome } from './action.js';

/**
 * Local mode (what `act` does): the workspace already holds a copy of the user's working tree.
 * Giving it the repository's .git and resetting only the index makes HEAD the user's HEAD commit
 * while their uncommitted edits show up as modifications — the job tests what is on disk, with
 * history available. `with: {ref}` instead checks out that ref forcibly (a clean tree at ref).
 *
 * Agent mode (clone from a server-provided URL) is not implemented yet.
 */
export function createGitCheckoutAction(): Action {
  return { name: 'git-checkout', run: checkout };
}

async function checkout(ctx: ActionContext): Promise<ActionOutcome> {
  const source = ctx.sourceRepoDir;
  if (source === undefined) {
    return {
      ok: false,
      failure: createFailure('infra', 'git-checkout needs a source repository, and this runner was given none'),
    };
  }
  const workspace = ctx.workspaceDir;
  // A sibling of the workspace: same filesystem, so moving .git in is a rename, not a copy.
  const scratch = await mkdtemp(path.join(path.dirname(workspace), `.${path.basename(workspace)}.checkout-`));
  try {
    const cloned = await ctx.exec(['git', 'clone', '--quiet', '--no-checkout', '--local', source, scratch]);
    if (!succeeded(cloned)) return gitFailed(`clone of ${source}`, cloned.stderrTail, cloned.exitCode);
    await rm(path.join(workspace, '.git'), { recursive: true, force: true });
    await rename(path.join(scratch, '.git'), path.join(workspace, '.git'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const ref = ctx.step.with['ref'];
  const commands: [string, ...string[]][] =
    ref === undefined || ref === ''
      ? [['git', 'reset', '--quiet']]
      : [
          ['git', 'checkout', '--quiet', '--force', ref],
          ['git', 'clean', '-ffdq'],
        ];
  for (const argv of commands) {
    const result = await ctx.exec(argv, { cwd: workspace });
    if (!succeeded(result)) return gitFailed(argv.slice(0, 2).join(' '), result.stderrTail, result.exitCode);
  }
  ctx.log(ref ? `checked out ${ref}` : `checked out HEAD of ${source} with local changes`);
  return { ok: true };
}

function succeeded(result: { ending: string; exitCode: number | null }): boolean {
  return result.ending === 'exited' && result.exitCode === 0;
}

function gitFailed(what: string, stderrTail: string, exitCode: number | null): ActionOutcome {
  const detail = stderrTail.trim().split('\n').slice(-3).join(' | ') || `exit code ${exitCode}`;
  return { ok: false, failure: createFailure('user', `git-checkout: ${what} failed: ${detail}`) };
}
