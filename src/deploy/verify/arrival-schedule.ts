/**
 * Open-model pacing: request i is due at `i * 1000 / rate` ms after the start, whatever happened to
 * the earlier ones. `countDue` is defined through `scheduledAtMs`, so float rounding can never make a
 * request due by one and not yet scheduled by the other.
 */

/** Requests due by `elapsedMs` (request 0 is due at once), capped at `plannedCount`. */
export function countDue(elapsedMs: number, ratePerSec: number, plannedCount: number): number {
  if (elapsedMs < 0) return 0;
  // Estimate, then correct by at most a step each way so that exactly the requests with
  // scheduledAtMs(i) <= elapsedMs count: (i * 1000 / r) * r / 1000 can land just below i.
  let last = Math.floor((elapsedMs * ratePerSec) / 1000);
  while (scheduledAtMs(last + 1, ratePerSec) <= elapsedMs) last += 1;
  while (last >= 0 && scheduledAtMs(last, ratePerSec) > elapsedMs) last -= 1;
  return Math.min(plannedCount, last + 1);
}

export function scheduledAtMs(index: number, ratePerSec: number): number {
  return (index * 1000) / ratePerSec;
}

/**
 * How many requests the open model schedules: those due strictly before `durationMs`, and at most
 * `requests`. At least one bound is always set by the options (a default duration), so this is finite.
 */
export function countPlanned(ratePerSec: number, requests: number | undefined, durationMs: number | undefined): number {
  const byDuration = durationMs === undefined ? Number.POSITIVE_INFINITY : Math.ceil((durationMs * ratePerSec) / 1000);
  return Math.min(requests ?? Number.POSITIVE_INFINITY, byDuration);
}
