/** `42 ms`, `3.4 s`, `2m 05s`, `1h 02m`: short, and precise where it matters. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** How long something that started at `startedAt` ran: until `finishedAt`, or until `nowMs` while it runs. Undefined before it started. */
export function elapsedMs(startedAt: string | null | undefined, finishedAt: string | null | undefined, nowMs: number): number | undefined {
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  const end = finishedAt ? Date.parse(finishedAt) : nowMs;
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : Math.max(0, end - start);
}
