import type { PlannedStep } from '../../pipeline/model.js';
import type { Failure } from '../failure.js';
import type { ProcessOutcome } from '../run-process.js';

export interface ExecResult extends ProcessOutcome {
  /** The last few KiB of stderr, for failure messages. */
  stderrTail: string;
}

/**
 * Where a job's repository comes from. local: the working tree a local run was started from.
 * remote: a server-assigned job — exactly commitSha of repoUrl, fetched through a bare mirror kept
 * under mirrorCacheDir (one per agent, reused across jobs).
 */
export type CheckoutSource =
  | { kind: 'local'; repoDir: string }
  | { kind: 'remote'; repoUrl: string; commitSha: string; mirrorCacheDir: string };

/** What a built-in action may use; everything it does goes through here so cancel and timeout apply. */
export interface ActionContext {
  jobId: string;
  step: PlannedStep;
  workspaceDir: string;
  /** Where `git-checkout` gets the repository from; undefined when the runner was given none. */
  source?: CheckoutSource;
  env: Record<string, string>;
  /** Aborted when the step times out or the job is canceled. */
  signal: AbortSignal;
  /** Runs a trusted helper (not sandboxed) in its own process group, streaming its output. */
  exec(argv: [string, ...string[]], options?: { cwd?: string }): Promise<ExecResult>;
  /** A line for the step's log (stream 'system'). */
  log(line: string): void;
}

export type ActionOutcome = { ok: true } | { ok: false; failure: Failure };

/** A `uses:` step implemented by Slipway itself. */
export interface Action {
  name: string;
  run(ctx: ActionContext): Promise<ActionOutcome>;
}

export interface ActionRegistry {
  resolve(name: string): Action | undefined;
  /** Sorted, for "known actions are ..." messages. */
  names(): string[];
}

export function createActionRegistry(actions: Action[]): ActionRegistry {
  const byName = new Map(actions.map((action) => [action.name, action]));
  return {
    resolve: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
  };
}
