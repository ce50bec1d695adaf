import type { ApiJob, ApiRunDetail } from '../cli/api-client.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { DemoClient } from './demo-client.js';

const finished = new Set(['succeeded', 'failed', 'canceled']);
const jobFinished = new Set(['succeeded', 'failed', 'canceled', 'skipped']);

export function jobSeconds(job: Pick<ApiJob, 'startedAt' | 'finishedAt'>): number | undefined {
  if (!job.startedAt || !job.finishedAt) return undefined;
  return (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
}

/**
 * Polls a run until it ends, printing a line when a job starts and when it ends (with its duration),
 * in the order they happen. Polling (not the SSE log streams) because the demo wants job states, and
 * a run's detail carries all of them in one read.
 */
export async function followDemoRun(input: {
  client: DemoClient;
  runId: number;
  label: string;
  write: (line: string) => void;
  timeoutMs: number;
  pollMs?: number;
}): Promise<ApiRunDetail> {
  const { client, runId, label, write } = input;
  const deadline = Date.now() + input.timeoutMs;
  const seen = new Map<number, string>();
  for (;;) {
    const run = await client.getRun(runId);
    for (const job of run.jobs) {
      const before = seen.get(job.id);
      if (before === job.status) continue;
      seen.set(job.id, job.status);
      if (job.status === 'running') write(`  ${label}  ${job.jobKey.padEnd(18)} running`);
      if (jobFinished.has(job.status)) {
        const seconds = jobSeconds(job);
        const took = seconds === undefined ? '' : `  ${seconds.toFixed(1)}s`;
        const why = job.failure ? `  — ${job.failure.message.split('\n')[0]}` : '';
        write(`  ${label}  ${job.jobKey.padEnd(18)} ${job.status}${took}${why}`);
      }
    }
    if (finished.has(run.status)) return run;
    if (Date.now() > deadline) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `run ${runId} (${label}) did not finish within ${Math.round(input.timeoutMs / 1000)} s; it is ${run.status} — look at it with \`slipway runs ${runId}\` and \`slipway logs ${runId} --job <job>\``,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, input.pollMs ?? 500));
  }
}

/** The last lines of a job's log, for a failure the demo did not expect. */
export async function readLogTail(client: DemoClient, jobId: number, lines = 25): Promise<string> {
  const log = await client.runs.readJobLog(jobId).catch((error: unknown) => ({ text: `(could not read the log: ${(error as Error).message})` }));
  return log.text.trimEnd().split('\n').slice(-lines).join('\n');
}
