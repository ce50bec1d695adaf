import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import type { DecisionRecord } from './decision.js';
import type { DecisionNotifier } from './decision-notifier.js';
import { listDecisions } from './list-decisions.js';
import type { TeamScope } from './team-scope.js';

export interface WatchDecisionsDeps {
  db: Db;
  notifier: DecisionNotifier;
  /**
   * How long a watcher waits for a notice before re-reading the store anyway: the bound on how late it
   * sees a decision nobody notified this process of (another replica's, with no bus relay). Default 2000.
   */
  pollIntervalMs?: number;
  /** Decisions per store read. Default 200. */
  pageSize?: number;
}

export interface WatchDecisionsOptions {
  /** Deliver decisions with a greater sequence. Default 0: every decision. */
  afterSequence?: number;
  service?: string;
  rolloutId?: string;
  /** Only rollouts of these teams' projects (team-scope.ts). Default: every rollout. */
  teams?: TeamScope;
  /** Ends the watch (the iterator returns) at the next await. */
  signal?: AbortSignal;
}

/**
 * Every matching decision after `afterSequence`, in sequence order: the stored ones, then each new one
 * as it commits, until the signal aborts. The store is read after the watcher's own cursor every time,
 * so there is no seam between scrollback and live decisions: nothing is delivered twice (the cursor only
 * grows) and nothing is skipped (record-decision commits in sequence order). The doorbell is installed
 * before the first read, so a decision committed during a read rings it and is read next.
 */
export async function* watchDecisions(deps: WatchDecisionsDeps, options: WatchDecisionsOptions = {}): AsyncGenerator<DecisionRecord> {
  const pollIntervalMs = deps.pollIntervalMs ?? 2000;
  const pageSize = deps.pageSize ?? 200;
  let cursor = options.afterSequence ?? 0;
  if (!Number.isSafeInteger(cursor) || cursor < 0) {
    throw new AppError(ErrorCode.invalidArgument, `afterSequence must be a whole number ≥ 0, got ${cursor}`);
  }
  const filter = {
    ...(options.service ? { service: options.service } : {}),
    ...(options.rolloutId ? { rolloutId: options.rolloutId } : {}),
  };
  const wakeup = deps.notifier.listen(filter);
  try {
    while (!options.signal?.aborted) {
      const page = await listDecisions(deps.db, { ...filter, teams: options.teams, afterSequence: cursor, limit: pageSize });
      for (const decision of page) {
        if (options.signal?.aborted) return;
        cursor = decision.sequence;
        yield decision;
      }
      if (page.length === pageSize) continue;
      await wakeup.wait(pollIntervalMs, options.signal);
    }
  } finally {
    wakeup.close();
  }
}
