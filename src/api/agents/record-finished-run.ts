import type { Metrics } from '../../metrics/index.js';
import { type Db, readStageDurations } from '../../store/index.js';

/**
 * Counts a run that just reached its final status, with the durations of its stages. Called once
 * per run: only the report, cancel or lease expiry that finished it learns its final status.
 */
export async function recordFinishedRun(metrics: Metrics | undefined, db: Db, runId: number, status: string): Promise<void> {
  if (!metrics) return;
  for (const stage of await readStageDurations(db, runId)) metrics.stageFinished(stage.stage, stage.seconds);
  metrics.runFinished(status);
}
