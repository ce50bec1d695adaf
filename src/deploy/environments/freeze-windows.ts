import { Cron } from 'croner';
import { CRON_MODE } from '../../pipeline/index.js';
import type { FreezeWindow } from './protection-rules.js';

export interface ActiveFreeze {
  reason: string;
  /** When the freeze ends (exclusive). */
  untilMs: number;
}

/**
 * The freeze in force at nowMs, if any; of overlapping ones, the one that ends last, so a caller told
 * to come back at untilMs is not refused again at once by another window.
 */
export function findActiveFreeze(windows: readonly FreezeWindow[], nowMs: number): ActiveFreeze | undefined {
  let latest: ActiveFreeze | undefined;
  for (const window of windows) {
    const untilMs = activeUntilMs(window, nowMs);
    if (untilMs !== undefined && (latest === undefined || untilMs > latest.untilMs)) latest = { reason: window.reason, untilMs };
  }
  return latest;
}

function activeUntilMs(window: FreezeWindow, nowMs: number): number | undefined {
  if (window.start !== undefined && window.end !== undefined) {
    const startMs = Date.parse(window.start);
    const endMs = Date.parse(window.end);
    return startMs <= nowMs && nowMs < endMs ? endMs : undefined;
  }
  if (window.cron === undefined || window.durationSeconds === undefined) return undefined;
  const cron = new Cron(window.cron, { mode: CRON_MODE, timezone: window.timezone, paused: true });
  // The latest start at or before now is enough: any earlier start of the same cron ends earlier.
  // previousRuns is strictly before its reference, hence +1 ms.
  const [startedAt] = cron.previousRuns(1, new Date(nowMs + 1));
  if (startedAt === undefined) return undefined;
  const endMs = startedAt.getTime() + window.durationSeconds * 1000;
  return nowMs < endMs ? endMs : undefined;
}
