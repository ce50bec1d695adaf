import type { ApiClient, ApiRunDetail } from './api-client.js';
import { finishedRunStatuses } from './api-client.js';

export interface FollowRunLogsOptions {
  runId: number;
  jobs: readonly { id: number; key: string }[];
  /** Prefix each line with `[job] `. */
  prefix: boolean;
  write: (text: string) => void;
  /** How often the run's status is polled. Default 500 ms. */
  pollMs?: number;
  /**
   * After the run finishes, how long to wait for the logs of jobs that ran to end (they end when the
   * agent's result is in, so this only bites if one never is). Default 5000 ms.
   */
  graceMs?: number;
}

/** Splits text into whole lines with a prefix; a trailing partial line waits for the rest (or flush). */
export function createLinePrefixer(prefix: string, write: (text: string) => void): { push(text: string): void; flush(): void } {
  let partial = '';
  return {
    push(text) {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length > 0) write(lines.map((line) => `${prefix}${line}\n`).join(''));
    },
    flush() {
      if (partial !== '') write(`${prefix}${partial}\n`);
      partial = '';
    },
  };
}

/** Streams the jobs' logs live until the run finishes (and its logs end); resolves to the finished run. */
export async function followRunLogs(client: ApiClient, options: FollowRunLogsOptions): Promise<ApiRunDetail> {
  const stop = new AbortController();
  const stopJob = new Map(options.jobs.map((job) => [job.id, new AbortController()]));
  const streams = options.jobs.map(async (job) => {
    const out = createLinePrefixer(options.prefix ? `[${job.key}] ` : '', options.write);
    const signal = AbortSignal.any([stop.signal, stopJob.get(job.id)!.signal]);
    try {
      for await (const piece of client.followJobLog(job.id, { signal })) out.push(piece.text);
    } finally {
      out.flush();
    }
  });
  const all = Promise.all(streams);
  // A stream failing for good (server gone) ends the follow at once instead of after the run.
  let failed: unknown;
  all.catch((error: unknown) => {
    failed = error;
  });
  try {
    let run: ApiRunDetail;
    for (;;) {
      if (failed !== undefined) throw failed;
      run = await client.getRun(options.runId);
      if (finishedRunStatuses.includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
    // A job that never started (skipped, canceled while pending) has no log and never ends one.
    for (const job of run.jobs) if (job.attempt === 0) stopJob.get(job.id)?.abort();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.graceMs ?? 5000);
    });
    await Promise.race([all, grace]);
    clearTimeout(timer);
    stop.abort();
    await all;
    return run;
  } finally {
    stop.abort();
    await Promise.allSettled(streams);
  }
}
