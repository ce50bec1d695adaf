// Dispatch latency, "job ready → step process started": a server on 127.0.0.1:0 with one agent
// (capacity 1); each of N sequential one-job runs has a step that prints bash's $EPOCHREALTIME (the
// step's own shell reading the clock, no further fork). Latency = that printed wall time − the wall
// time just before the POST /api/v1/runs was sent, so it covers POST handling, enqueue, dispatch push,
// agent receive and the step's start in its sandbox.
// `fromReady*` starts instead at the job's ready_at (the server's clock when it enqueued the job, read
// before the enqueue transaction even commits): the "job ready → step process started".
// The agent keeps a step process started ahead while idle (runner/warm-start.ts), as `slipway agent`
// does by default; --cold turns that off to measure a fork and a sandbox setup per job.
// Run after `npm run build`: node bench/dispatch-latency.mjs [--runs 100] [--warmup 5] [--agent process] [--cold] [--no-record]
// Store: PGlite in a temp dir; with DATABASE_URL, PostgreSQL in a fresh schema, dropped afterwards.
// Prints one JSON line and appends a dated line to bench/RESULTS.md. Target: p99 < 25 ms.
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchPlatform } from './lib/bench-platform.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '5' },
    'no-record': { type: 'boolean', default: false },
    /** inprocess: the agent shares the server's process (`slipway up`); process: `slipway agent` apart. */
    agent: { type: 'string', default: 'inprocess' },
    /** No step process started ahead on the agent: a fork and a sandbox setup per job. */
    cold: { type: 'boolean', default: false },
  },
  strict: true,
});
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const TARGET_P99_MS = 25;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round = (ms) => Math.round(ms * 100) / 100;
// Date.now() has ms resolution; performance.timeOrigin + now() gives a sub-ms wall clock comparable
// with `date +%s%N` (both read CLOCK_REALTIME).
const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

const pipeline = ['name: dispatch-bench', 'stages:', '  - name: only', '    steps:', '      - { name: stamp, run: "echo STARTED_US=$EPOCHREALTIME" }'].join('\n');

// The first look at the run waits until the step has certainly started, so that the bench's own
// requests (three store reads per look) do not queue in front of the dispatch it measures.
const FIRST_LOOK_MS = 80;

async function waitForRun(url, runId, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  await new Promise((resolve) => setTimeout(resolve, FIRST_LOOK_MS));
  for (;;) {
    const detail = await (await fetch(`${url}/api/v1/runs/${runId}`)).json();
    if (['succeeded', 'failed', 'canceled'].includes(detail.status)) return detail;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
    // Polling is the bench's own load on the same event loop and store; it does not time anything.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function oneRun(url, db) {
  const before = wallNs();
  const posted = await fetch(`${url}/api/v1/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ project: 'bench/dispatch', ref: 'refs/heads/main', pipeline }),
  });
  const answered = wallNs();
  if (posted.status !== 201) throw new Error(`POST /api/v1/runs answered ${posted.status}: ${await posted.text()}`);
  const { runId, jobs } = await posted.json();
  const run = await waitForRun(url, runId);
  if (run.status !== 'succeeded') throw new Error(`run ${runId} ${run.status}`);
  // The log is finished, so the SSE stream ends by itself after its end event.
  const log = await (await fetch(`${url}/api/v1/jobs/${jobs[0].id}/logs`)).text();
  const match = /STARTED_US=(\d+)[.,](\d{6})/.exec(log);
  if (!match) throw new Error(`run ${runId}: no STARTED_US in the job log`);
  const startedNs = (BigInt(match[1]) * 1_000_000n + BigInt(match[2])) * 1000n;
  const { rows } = await db.query('SELECT (extract(epoch FROM ready_at) * 1000000)::bigint AS "readyUs" FROM jobs WHERE id = $1', [jobs[0].id]);
  const readyNs = BigInt(rows[0].readyUs) * 1000n;
  return {
    total: Number(startedNs - before) / 1e6,
    post: Number(answered - before) / 1e6,
    fromReady: Number(startedNs - readyNs) / 1e6,
  };
}

const load = { before: loadavg().map(round) };
let platform;
const notices = [];
let result;
let failed = false;
try {
  platform = await startBenchPlatform({ name: 'dispatch', agentMode: values.agent, warmStart: !values.cold, onNotice: (message) => notices.push(message) });
  const { url, db, sandbox } = platform;

  for (let i = 0; i < WARMUP; i++) await oneRun(url, db);
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await oneRun(url, db));
  const sorted = samples.map((s) => s.total).sort((a, b) => a - b);
  // The POST's own round trip (parse, plan, enqueue): the part of the latency before the dispatcher.
  const posts = samples.map((s) => s.post).sort((a, b) => a - b);
  const fromReady = samples.map((s) => s.fromReady).sort((a, b) => a - b);
  load.after = loadavg().map(round);
  const p99 = quantile(sorted, 0.99);
  const fromReadyP99 = quantile(fromReady, 0.99);
  result = {
    bench: 'dispatch-latency',
    runs: RUNS,
    warmup: WARMUP,
    p50Ms: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
    p99Ms: round(p99),
    maxMs: round(sorted[sorted.length - 1]),
    minMs: round(sorted[0]),
    fromReadyP50Ms: round(quantile(fromReady, 0.5)),
    fromReadyP90Ms: round(quantile(fromReady, 0.9)),
    fromReadyP99Ms: round(fromReadyP99),
    postP50Ms: round(quantile(posts, 0.5)),
    postP99Ms: round(quantile(posts, 0.99)),
    target: `p99<${TARGET_P99_MS}ms`,
    met: fromReadyP99 < TARGET_P99_MS,
    metFromPost: p99 < TARGET_P99_MS,
    store: platform.storeKind,
    agent: platform.agentMode,
    warmStart: !values.cold,
    sandbox,
    loadavg: load,
    node: process.version,
    cpus: cpus().length,
  };
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await platform?.stop();
}

if (failed || !result) process.exit(1);
if (notices.some((m) => m.includes('ended badly'))) result.notices = notices;
console.log(JSON.stringify(result));
if (!values['no-record']) {
  const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  appendResultLine(resultsFile, `- ${new Date().toISOString()} dispatch-latency: ${JSON.stringify(result)}`);
}
