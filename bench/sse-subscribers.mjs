// Live log fan-out: 1,000 concurrent SSE subscribers on one running job — per-line delivery latency
// and the server's memory. A server on 127.0.0.1:0 (this process: its process.memoryUsage() is the
// server's, plus this script's small bookkeeping) and one agent in its own process. The job's step
// sleeps --start-delay-ms, then prints `seq=<i> t=<date +%s%N>` every --interval-ms, --lines times.
// Right after the run is posted, --subscribers streams open GET /api/v1/jobs/:id/logs from byte 0,
// spread over --processes forked subscriber processes (bench/lib/sse-subscribers-process.mjs), so
// their parsing neither runs on nor is counted in the server. Every subscriber must be open before
// the first line is printed (checked: the first line's timestamp is later than the last connect).
// Latency per line per subscriber = wall time its chunk was read − printed wall time; every seq must
// arrive exactly once per subscriber and every chunk's offset must follow the previous one.
// Memory: RSS and heap used just before the subscribers connect, and the peak sampled
// until the last stream ended (every 100 ms: process.memoryUsage() reads /proc, ~0.1 ms a call).
// Run after `npm run build`: node bench/sse-subscribers.mjs [--subscribers 1000] [--processes 2]
//   [--lines 200] [--interval-ms 20] [--start-delay-ms 8000] [--no-record]
// Store: PGlite in a temp dir; with DATABASE_URL, PostgreSQL in a fresh schema, dropped afterwards.
// Prints one JSON line and appends a dated line to bench/RESULTS.md. Target: p99 < 50 ms, 0 lost.
import { execFileSync, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchPlatform } from './lib/bench-platform.mjs';
import { onePipeline, percentiles, round, startJob, waitForRunStatus } from './lib/bench-runs.mjs';
import { machineFacts, reportResult } from './lib/results-file.mjs';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    processes: { type: 'string', default: '2' },
    lines: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '20' },
    'start-delay-ms': { type: 'string', default: '8000' },
    'no-record': { type: 'boolean', default: false },
  },
  strict: true,
});
const SUBSCRIBERS = Number(values.subscribers);
const PROCESSES = Number(values.processes);
const LINES = Number(values.lines);
const INTERVAL_MS = Number(values['interval-ms']);
const START_DELAY_MS = Number(values['start-delay-ms']);
const TARGET_P99_MS = 50;
// Keeps the whole bench under a minute even when streams hang.
const SUBSCRIBER_DEADLINE_MS = START_DELAY_MS + LINES * INTERVAL_MS * 3 + 20_000;
// Each subscriber is one socket in the server's process: its open-file limit bounds how many it holds.
const FD_LIMIT = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
if (FD_LIMIT < SUBSCRIBERS + 200) console.error(`warning: ulimit -n is ${FD_LIMIT}: too few for ${SUBSCRIBERS} subscribers; expect failed connections`);
const here = dirname(fileURLToPath(import.meta.url));

const pipeline = onePipeline(
  'ticks',
  `sleep ${START_DELAY_MS / 1000}; for i in $(seq 0 ${LINES - 1}); do echo "seq=$i t=$(date +%s%N)"; sleep ${INTERVAL_MS / 1000}; done`,
);

const mb = (bytes) => round(bytes / 1e6);
const memory = () => {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

/** Forks one subscriber process; resolves `connected` and `done` with its two messages. */
function startSubscriberProcess(url, jobId, count) {
  const child = fork(join(here, 'lib', 'sse-subscribers-process.mjs'), [url, String(jobId), String(count), String(LINES), String(SUBSCRIBER_DEADLINE_MS)], {
    // Subscribers read the log as the administrator: the API token, not on the command line.
    env: { ...process.env, SLIPWAY_TOKEN: platform.apiToken },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`subscriber process exited with ${code} before reporting`))));
  const message = (type) =>
    Promise.race([new Promise((resolve) => child.on('message', (m) => m.type === type && resolve({ ...m, atMs: Date.now() }))), exited]);
  return { child, connected: message('connected'), done: message('done') };
}

const load = { before: loadavg().map(round) };
let platform;
let result;
let failed = false;
const children = [];
try {
  platform = await startBenchPlatform({ name: 'sse', agentMode: 'process' });
  const { url, sandbox } = platform;
  const before = memory();
  const peak = { ...before };
  const sampler = setInterval(() => {
    const now = memory();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
  }, 100);

  const { runId, jobId } = await startJob(url, pipeline, 'bench/sse');
  const connectStartMs = Date.now();
  const shares = Array.from({ length: PROCESSES }, (_, i) => Math.floor(SUBSCRIBERS / PROCESSES) + (i < SUBSCRIBERS % PROCESSES ? 1 : 0));
  for (const share of shares) children.push(startSubscriberProcess(url, jobId, share));
  const connected = await Promise.all(children.map((c) => c.connected));
  const allConnectedMs = Math.max(...connected.map((c) => c.atMs));
  const afterConnect = memory();
  const done = await Promise.all(children.map((c) => c.done));
  clearInterval(sampler);
  const status = await waitForRunStatus(url, runId);
  load.after = loadavg().map(round);

  const latencies = done.flatMap((d) => Array.from(d.latencies));
  const sum = (key) => done.reduce((total, d) => total + d[key], 0);
  const errors = {};
  for (const d of done) for (const [message, n] of Object.entries(d.errors)) errors[message] = (errors[message] ?? 0) + n;
  // The first line's own timestamp (its `date +%s%N`): every subscriber must have connected before it.
  const firstLineMs = Math.min(...done.map((d) => d.firstLineMs ?? Number.POSITIVE_INFINITY));
  const opened = sum('opened');
  const lost = sum('lost');
  const duplicated = sum('duplicated');
  const offsetGaps = sum('offsetGaps');
  const summary = percentiles(latencies);
  const openedBeforeLines = allConnectedMs < firstLineMs;
  result = {
    bench: 'sse-subscribers',
    subscribers: SUBSCRIBERS,
    processes: PROCESSES,
    lines: LINES,
    intervalMs: INTERVAL_MS,
    status,
    opened,
    failedConnections: sum('failed'),
    ended: sum('ended'),
    connectMs: allConnectedMs - connectStartMs,
    openedBeforeLines,
    expectedSamples: SUBSCRIBERS * LINES,
    ...summary,
    lost,
    duplicated,
    offsetGaps,
    memory: {
      beforeRssMb: mb(before.rss),
      beforeHeapMb: mb(before.heapUsed),
      connectedRssMb: mb(afterConnect.rss),
      connectedHeapMb: mb(afterConnect.heapUsed),
      peakRssMb: mb(peak.rss),
      peakHeapMb: mb(peak.heapUsed),
      perSubscriberKb: round((peak.rss - before.rss) / 1e3 / SUBSCRIBERS),
    },
    ...(Object.keys(errors).length > 0 ? { errors } : {}),
    target: { p99Ms: `<${TARGET_P99_MS}`, lost: 0, duplicated: 0, failedConnections: 0 },
    met:
      status === 'succeeded' &&
      openedBeforeLines &&
      opened === SUBSCRIBERS &&
      lost === 0 &&
      duplicated === 0 &&
      offsetGaps === 0 &&
      summary.p99Ms < TARGET_P99_MS,
    store: platform.storeKind,
    sandbox,
    fdLimit: FD_LIMIT,
    ...machineFacts(load),
  };
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const c of children) c.child.kill();
  await platform?.stop();
}

if (result) reportResult(result, { record: !values['no-record'] });
if (failed || !result) process.exit(1);
