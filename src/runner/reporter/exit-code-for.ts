import type { RunSummary } from '../local/run-summary.js';

/** The process exit code of `slipway run`: 0 only when the pipeline succeeded. */
export function exitCodeFor(summary: RunSummary): number {
  return summary.status === 'succeeded' ? 0 : 1;
}
