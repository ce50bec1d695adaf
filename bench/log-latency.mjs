// Live log latency and throughput over SSE: a server on 127.0.0.1:0 with one in-process agent.
// 1. Latency: a step prints `seq=<i> t=<date +%s%N>` every 10 ms for ~3 s; a subscriber on
//    GET /api/v1/jobs/:id/logs from the start takes, per line, receive wall time − printed wall time,
//    and checks every seq arrives exactly once. Targets: p99 < 50 ms, none lost or duplicated.
// 2. Throughput: a step prints ~27 MB (base64 of 20 MB from /dev/urandom) between markers, then its
//    byte count and sha256; MB/s is payload bytes over first → last byte received, and the received
//    payload must match both. Target: >= 20 MB/s, zero lost bytes.
// Every chunk's offset must equal the previous chunk's end (no gap, no overlap) in both passes.
// Run after `npm run build`: node bench/log-latency.mjs [--lines 300] [--mb 20] [--no-record]
// Store: PGlite in a temp dir; with DATABASE_URL, PostgreSQL in a fresh schema, dropped afterwards.
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readSseEvents } from '../dist/agent/index.js';
import { startBenchPlatform } from './lib/bench-platform.mjs';
import { onePipeline, quantile, round, startJob, waitForRunStatus, wallNs } from './lib/bench-runs.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '300' },
    mb: { type: 'string', default: '20' },
    'no-record': { type: 'boolean', default: false },
  },
  strict: true,
});
const LINES = Number(values.lines);
const RANDOM_BYTES = Math.round(Number(values.mb) * 1e6);
const TARGET_P99_MS = 50;
const TARGET_MB_PER_S = 20;

const latencyPipeline = onePipeline(
  'ticks',
  `for i in $(seq 0 ${LINES - 1}); do echo "seq=$i t=$(date +%s%N)"; sleep 0.01; done`,
);
// The payload goes to a file first so its size and hash can be printed after it; the workspace is
// writable inside the sandbox.
const throughputPipeline = onePipeline(
  'bulk',
  `head -c ${RANDOM_BYTES} /dev/urandom | base64 > payload.b64; echo PAYLOAD-BEGIN; cat payload.b64; ` +
    `echo "PAYLOAD-END bytes=$(wc -c < payload.b64) sha256=$(sha256sum < payload.b64)"`,
);

/** Follows a job's log from byte 0 until its end event; onChunk(text, receivedNs) per chunk. */
async function followLog(url, jobId, onChunk) {
  const response = await fetch(`${url}/api/v1/jobs/${jobId}/logs`);
  if (response.status !== 200) throw new Error(`GET logs answered ${response.status}: ${await response.text()}`);
  let expectedOffset = 0;
  const gaps = [];
  let length;
  for await (const event of readSseEvents(response.body)) {
    const receivedNs = wallNs();
    if (event.event === 'chunk') {
      const { offset, text } = JSON.parse(event.data);
      if (offset !== expectedOffset) gaps.push({ expected: expectedOffset, got: offset });
      expectedOffset = Number(event.id);
      onChunk(text, receivedNs);
    } else if (event.event === 'end') {
      length = JSON.parse(event.data).length;
      break;
    } else if (event.event === 'error') {
      throw new Error(`log stream error: ${event.data}`);
    }
  }
  if (length === undefined) throw new Error(`the log of job ${jobId} ended without an end event`);
  if (length !== expectedOffset) gaps.push({ expected: length, got: expectedOffset, atEnd: true });
  return { length, gaps };
}

async function latencyPass(url) {
  const { runId, jobId } = await startJob(url, latencyPipeline);
  const latencies = [];
  const seen = new Map();
  let partial = '';
  const followed = await followLog(url, jobId, (text, receivedNs) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const match = /seq=(\d+) t=(\d+)/.exec(line);
      if (!match) continue;
      const seq = Number(match[1]);
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      latencies.push(Number(receivedNs - BigInt(match[2])) / 1e6);
    }
  });
  const status = await waitForRunStatus(url, runId);
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < LINES; i++) {
    const count = seen.get(i) ?? 0;
    if (count === 0) lost++;
    else duplicated += count - 1;
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    status,
    lines: LINES,
    received: sorted.length,
    lost,
    duplicated,
    offsetGaps: followed.gaps.length,
    p50Ms: round(quantile(sorted, 0.5)),
    p90Ms: round(quantile(sorted, 0.9)),
    p99Ms: round(quantile(sorted, 0.99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

async function throughputPass(url) {
  const { runId, jobId } = await startJob(url, throughputPipeline);
  const parts = [];
  let firstNs;
  let lastNs;
  const followed = await followLog(url, jobId, (text, receivedNs) => {
    parts.push(text);
    if (firstNs === undefined && text.length > 0) firstNs = receivedNs;
    lastNs = receivedNs;
  });
  const status = await waitForRunStatus(url, runId);
  const log = parts.join('');
  const begin = log.indexOf('PAYLOAD-BEGIN\n');
  const end = /\n?PAYLOAD-END bytes=(\d+) sha256=([0-9a-f]+)/.exec(log);
  if (begin === -1 || !end) throw new Error('throughput: payload markers missing from the log');
  // The newline before the END marker is base64's last line ending, part of the payload file.
  const payload = log.slice(begin + 'PAYLOAD-BEGIN\n'.length, end.index + 1);
  const receivedBytes = Buffer.byteLength(payload);
  const expectedBytes = Number(end[1]);
  const sha256Match = createHash('sha256').update(payload).digest('hex') === end[2];
  const seconds = Number(lastNs - firstNs) / 1e9;
  return {
    status,
    logBytes: followed.length,
    payloadBytes: expectedBytes,
    receivedBytes,
    lostBytes: expectedBytes - receivedBytes,
    sha256Match,
    offsetGaps: followed.gaps.length,
    seconds: round(seconds),
    mbPerSec: round(receivedBytes / 1e6 / seconds),
  };
}

const load = { before: loadavg().map(round) };
let platform;
let result;
let failed = false;
try {
  platform = await startBenchPlatform({ name: 'logs' });
  const { url, sandbox } = platform;

  const latency = await latencyPass(url);
  const throughput = await throughputPass(url);
  load.after = loadavg().map(round);
  const ok =
    latency.status === 'succeeded' &&
    throughput.status === 'succeeded' &&
    latency.offsetGaps === 0 &&
    throughput.offsetGaps === 0 &&
    throughput.sha256Match &&
    throughput.lostBytes === 0;
  result = {
    bench: 'log-latency',
    latency,
    throughput,
    targets: { p99Ms: `<${TARGET_P99_MS}`, mbPerSec: `>=${TARGET_MB_PER_S}`, lost: 0 },
    met:
      ok &&
      latency.p99Ms < TARGET_P99_MS &&
      latency.lost === 0 &&
      latency.duplicated === 0 &&
      throughput.mbPerSec >= TARGET_MB_PER_S,
    store: platform.storeKind,
    sandbox,
    loadavg: load,
    node: process.version,
    cpus: cpus().length,
  };
  if (!ok) failed = true;
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await platform?.stop();
}

if (result) {
  console.log(JSON.stringify(result));
  if (!values['no-record']) {
    const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
    appendResultLine(resultsFile, `- ${new Date().toISOString()} log-latency: ${JSON.stringify(result)}`);
  }
}
if (failed || !result) process.exit(1);
