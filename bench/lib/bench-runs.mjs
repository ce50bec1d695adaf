// Small helpers the run/log benches share: quantiles, a sub-ms wall clock comparable with
// `date +%s%N`, a one-step pipeline, starting a run over the API and waiting for its end.

/** The q-quantile of an ascending array (nearest rank). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
export const round = (ms) => Math.round(ms * 100) / 100;
// Date.now() has ms resolution; performance.timeOrigin + now() reads CLOCK_REALTIME below a ms.
export const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

/** p50/p90/p99/max of unsorted samples in ms (sorts a copy). */
export function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  if (sorted.length === 0) return { samples: 0 };
  return {
    samples: sorted.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

export const onePipeline = (name, run) =>
  ['name: log-bench', 'stages:', `  - name: ${name}`, '    steps:', `      - { name: ${name}, run: '${run}' }`].join('\n');

/** POST /api/v1/runs with one pipeline → its run id and first job id. */
export async function startJob(url, pipeline, project = 'bench/logs') {
  const posted = await fetch(`${url}/api/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ project, ref: 'refs/heads/main', pipeline }),
  });
  if (posted.status !== 201) throw new Error(`POST /api/v1/runs answered ${posted.status}: ${await posted.text()}`);
  const { runId, jobs } = await posted.json();
  return { runId, jobId: jobs[0].id };
}

/** Polls the run until it finished; its final status. */
export async function waitForRunStatus(url, runId, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await (await fetch(`${url}/api/v1/runs/${runId}`)).json();
    if (['succeeded', 'failed', 'canceled'].includes(detail.status)) return detail.status;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
