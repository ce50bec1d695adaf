// Rollback time (issue target): from the decision to 100% of requests served by the stable version,
// as a client reading x-slipway-version sees it — target < 1 s (the usual bar is 60 s).
// Method: a deploy controller (PGlite, or PostgreSQL with DATABASE_URL; local target, built-in router;
// bench/lib/deploy-host.mjs) runs
// in this process and deploys v1 (recreate, 2 replicas). A load client in its own process
// (bench/lib/version-client.mjs: open model, RATE req/s, keep-alive, no cookies so no stickiness)
// records every response's version with send and finish times (epoch ms, sub-ms). REPEATS times: a
// canary of a new version (2 replicas) with steps [setWeight 50, pause] is submitted; once paused and
// SETTLE_MS of 50/50 traffic later, controller.abort() is called — the decision, timestamped just
// before the call. Rollback time = finish time of the last response served by the canary version
// minus the decision (0 when none finished after it); also reported: the send time of the last
// request that the router still sent to the canary, when abort() returned, and when the controller
// recorded its setWeights back to stable, and the worst latency of requests sent ±50 ms around the
// decision (the controller shares the router's event loop: with PGlite, whose queries resolve without
// yielding to I/O, the router stalls while the abort is applied, so requests in that gap wait and are
// then served by stable; with DATABASE_URL set, PostgreSQL, the loop yields during the abort's queries).
// Failed responses (non-200 or no answer) are counted.
// Run after `npm run build`: node bench/rollback-time.mjs [--rate 500] [--repeats 5] [--no-record]
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDeployHost } from './lib/deploy-host.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    repeats: { type: 'string', default: '5' },
    'no-record': { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const REPEATS = Number(values.repeats);
const SETTLE_MS = 1_000;
const AFTER_MS = 1_500;
const CLIENT_MAX_SECONDS = 180;
const SERVICE = 'web';
const STABLE = 'v1';
const round2 = (n) => Math.round(n * 100) / 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => performance.timeOrigin + performance.now();
const log = (message) => process.stderr.write(`[rollback-time ${new Date().toISOString()}] ${message}\n`);

function startVersionClient(routerUrl) {
  const child = spawn(process.execPath, [join(root, 'bench/lib/version-client.mjs'), routerUrl, SERVICE, String(RATE), String(CLIENT_MAX_SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const records = [];
  let buffered = '';
  let end;
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const record = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      if (record.end) end = record;
      else records.push(record);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    records,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      return { records, sent: end?.sent };
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** {key: count}: Object.groupBy is Node 21+. */
function countBy(items, keyOf) {
  const counts = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const load = { before: loadavg().map(round2) };
const host = await startDeployHost({ name: 'rollback-time' });
const rounds = [];
let client;
let clientSent;
const storeKind = host.storeKind;
try {
  const first = await host.submit(SERVICE, STABLE, { recreate: {} });
  await host.waitForStatus(first.id, ['succeeded'], 30_000);
  client = startVersionClient(host.routerUrl);
  await sleep(1_000);
  log('v1 deployed, load running');
  for (let i = 0; i < REPEATS; i += 1) {
    const canary = `v${i + 2}`;
    const roundStartMs = nowMs();
    const d = await host.submit(SERVICE, canary, { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } });
    await host.waitForStatus(d.id, ['paused'], 30_000);
    await sleep(SETTLE_MS);
    const decisionMs = nowMs();
    await host.controller.abort(d.id, { actor: 'bench', reason: 'rollback-time bench' });
    const abortReturnedMs = nowMs();
    const view = await host.waitForStatus(d.id, ['aborted', 'failed', 'succeeded'], 30_000);
    await sleep(AFTER_MS);
    const switched = view.deployment.actions.find((a) => a.timeMs >= decisionMs - 1 && a.action.type === 'setWeights');
    rounds.push({ canary, roundStartMs, decisionMs, abortReturnedMs, status: view.deployment.status, switchedAtMs: switched?.timeMs ?? null, roundEndMs: nowMs() });
    log(`${canary}: ${view.deployment.status}`);
  }
} finally {
  const stopped = await client?.stop();
  clientSent = stopped?.sent;
  await host.close();
}
load.after = loadavg().map(round2);

const records = client.records;
const samples = rounds.map((round) => {
  const inRound = records.filter((r) => r.s >= round.roundStartMs && r.s < round.roundEndMs);
  const before = inRound.filter((r) => r.s >= round.decisionMs - SETTLE_MS && r.s < round.decisionMs);
  const canaryDone = inRound.filter((r) => r.v === round.canary && r.d >= round.decisionMs);
  const lastDone = canaryDone.reduce((max, r) => Math.max(max, r.d), round.decisionMs);
  const lastSent = inRound.filter((r) => r.v === round.canary).reduce((max, r) => Math.max(max, r.s), Number.NEGATIVE_INFINITY);
  const failed = inRound.filter((r) => r.st !== 200);
  const afterDecision = inRound.filter((r) => r.s >= round.decisionMs);
  // A stall of the router's event loop around the switch shows as latency, not as canary responses.
  const around = inRound.filter((r) => r.s >= round.decisionMs - 50 && r.s < round.decisionMs + 50);
  return {
    canary: round.canary,
    status: round.status,
    rollbackMs: round2(lastDone - round.decisionMs),
    lastCanarySentAfterDecisionMs: round2(lastSent - round.decisionMs),
    canaryResponsesFinishedAfterDecision: canaryDone.length,
    abortCallMs: round2(round.abortReturnedMs - round.decisionMs),
    weightsSetAfterDecisionMs: round.switchedAtMs === null ? null : round2(round.switchedAtMs - round.decisionMs),
    canaryShareBeforeDecision: before.length === 0 ? null : round2(before.filter((r) => r.v === round.canary).length / before.length),
    stableShareAfterDecision: afterDecision.length === 0 ? null : round2(afterDecision.filter((r) => r.v === STABLE).length / afterDecision.length),
    maxLatencyAroundDecisionMs: round2(around.reduce((max, r) => Math.max(max, r.d - r.s), 0)),
    requests: inRound.length,
    failed: failed.length,
    failures: countBy(failed, (r) => `${r.st} ${r.e ?? ''}`.trim()),
  };
});
const times = samples.map((s) => s.rollbackMs).sort((a, b) => a - b);
const p50Ms = quantile(times, 0.5);
const maxMs = times.at(-1) ?? null;
const failed = samples.reduce((n, s) => n + s.failed, 0);
const result = {
  bench: 'rollback-time',
  rate: RATE,
  repeats: REPEATS,
  replicas: 2,
  store: storeKind,
  p50Ms,
  maxMs,
  samples,
  requests: records.length,
  clientSent,
  failed,
  target: 'rollback <1000ms from decision to 100% stable (client-seen)',
  met: maxMs !== null && maxMs < 1_000 && samples.every((s) => s.status === 'aborted'),
  loadavg: load,
  node: process.version,
  cpus: cpus().length,
};
console.log(JSON.stringify(result));
if (!values['no-record']) {
  appendResultLine(join(root, 'bench/RESULTS.md'), `- ${new Date().toISOString()} rollback-time: ${JSON.stringify(result)}`);
}
