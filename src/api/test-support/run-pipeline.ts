import { expect } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { waitFor } from './wait-for.js';

export interface FinishedRun {
  runId: number;
  run: RunDetail;
  /** A job's whole log as text (the data lines of its SSE stream). */
  logOf(jobKey: string): Promise<string>;
}

/** Posts a pasted pipeline to the server at `url` and waits (up to `timeoutMs`) until its run has finished. */
export async function runPipeline(url: string, input: { project: string; ref: string; pipeline: string }, timeoutMs = 20_000): Promise<FinishedRun> {
  const posted = await fetch(`${url}/api/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(posted.status).toBe(201);
  const { runId, jobs } = (await posted.json()) as { runId: number; jobs: { id: number; key: string }[] };
  const run = await waitFor(
    'the run to finish',
    async () => {
      const detail = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
    },
    timeoutMs,
  );
  const logOf = async (key: string) => {
    const job = jobs.find((j) => j.key === key)!;
    const sse = await (await fetch(`${url}/api/v1/jobs/${job.id}/logs`)).text();
    return sse
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim())
      .join('\n');
  };
  return { runId, run, logOf };
}
