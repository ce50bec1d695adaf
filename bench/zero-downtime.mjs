// Zero downtime (issue target): a rolling, a blue-green and a canary deployment, each under 500 req/s
// of steady load — 0 failed requests caused by the switch.
// Method: a deploy controller (PGlite, or PostgreSQL with DATABASE_URL; local target, built-in router;
// bench/lib/deploy-host.mjs) runs
// in this process and deploys v1 (recreate, 2 replicas of the fixture service). Then, per strategy:
// `hey` in its own process sends a steady RATE req/s through the router (-c WORKERS -q RATE/WORKERS,
// Host: web, keep-alive), LEAD_MS later the next version is submitted with the strategy, and
// TAIL_MS after the deployment finished hey is stopped with SIGINT (it prints its summary; -z bounds
// it in any case). A failure is any request without a 200: hey's non-200 status codes and its error
// distribution (connection reset, refused, timeout...), reported by kind.
// Strategies: rolling (maxSurge 25%, maxUnavailable 25% of 2 replicas: one at a time), blueGreen
// (scaleDownDelaySeconds 1), canary (setWeight 20/50/80 with 1 s pauses between).
// Then a probe of blueGreen with a previewService, with the controller in a child process (this
// script with --preview-child) so a controller that stops answering cannot hang the bench: the child
// deploys v1 and, when told, blueGreen v2 with previewService web-preview, printing a heartbeat
// (describe() every 250 ms) on stdout. The parent runs hey on the active service meanwhile; once the
// child says the deployment ended (or after PREVIEW_MS) it probes Host: web and Host: web-preview,
// stops hey, then lets the child close, and kills it (and the fixture replicas it started, found by
// their working directory under its temp dir) if it does not.
// Run after `npm run build`: node bench/zero-downtime.mjs [--rate 500] [--no-record]
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDeployHost } from './lib/deploy-host.mjs';
import { parseHeySummary } from './lib/hey.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    'no-record': { type: 'boolean', default: false },
    'preview-child': { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const WORKERS = 10;
const LEAD_MS = 1_500;
const TAIL_MS = 1_000;
const HEY_MAX_SECONDS = 60;
const PREVIEW_MS = 12_000;
const HEY = process.env.HEY ?? '/usr/bin/hey';
const SERVICE = 'web';
const round2 = (n) => Math.round(n * 100) / 100;
const log = (message) => process.stderr.write(`[zero-downtime ${new Date().toISOString()}] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const strategies = {
  rolling: { rolling: {} },
  blueGreen: { blueGreen: { scaleDownDelaySeconds: 1 } },
  canary: {
    canary: { steps: [{ setWeight: 20 }, { pause: { duration: 1 } }, { setWeight: 50 }, { pause: { duration: 1 } }, { setWeight: 80 }, { pause: { duration: 1 } }] },
  },
};

/** hey in the background until stop(): resolves with its parsed summary plus failures by kind. */
function startHey(url, host) {
  const args = ['-z', `${HEY_MAX_SECONDS}s`, '-c', String(WORKERS), '-q', String(RATE / WORKERS), '-t', '5', '-host', host, '-disable-redirects', url];
  const child = spawn(HEY, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  return {
    stop: async () => {
      child.kill('SIGINT');
      await exited;
      return summarizeHey(text);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

function summarizeHey(text) {
  let summary;
  try {
    summary = parseHeySummary(text);
  } catch {
    // No successful response at all: hey prints no latency percentiles.
    const errorsText = /Error distribution:\n([\s\S]*)$/.exec(text)?.[1]?.trim() ?? '';
    summary = { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0), p50Ms: Number.NaN, p99Ms: Number.NaN, responses: 0, errors: errorsText };
  }
  const statusCodes = Object.fromEntries([...text.matchAll(/\[(\d+)\]\s+(\d+) responses/g)].map((m) => [m[1], Number(m[2])]));
  const errors = {};
  for (const m of summary.errors.matchAll(/^\s*\[(\d+)\]\s+(.*)$/gm)) {
    // `Get "http://...": dial tcp ...: connection refused` → the part after the URL names the kind.
    const kind = m[2].replace(/^\w+ "[^"]*": /, '');
    errors[kind] = (errors[kind] ?? 0) + Number(m[1]);
  }
  const non200 = Object.entries(statusCodes).filter(([code]) => code !== '200').reduce((n, [, count]) => n + count, 0);
  const transportErrors = Object.values(errors).reduce((n, count) => n + count, 0);
  return {
    requests: summary.responses + transportErrors,
    rps: round2(summary.rps),
    p50Ms: round2(summary.p50Ms),
    p99Ms: round2(summary.p99Ms),
    statusCodes,
    errors,
    failed: non200 + transportErrors,
  };
}

/** One plain GET with `Host: host` through the router: status, version header and body. */
function probe(routerUrl, host) {
  const url = new URL(routerUrl);
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, path: '/', headers: { host }, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, version: res.headers['x-slipway-version'] ?? null, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, version: null, body: String(error) }));
    req.end();
  });
}


/** --preview-child: the controller side of the previewService probe (see the header). */
async function runPreviewChild() {
  const say = (record) => process.stdout.write(`${JSON.stringify({ atMs: Date.now(), ...record })}\n`);
  const host = await startDeployHost({ name: 'zero-downtime-preview' });
  const first = await host.submit(SERVICE, 'v1', { recreate: {} });
  await host.waitForStatus(first.id, ['succeeded'], 30_000);
  say({ ready: true, routerUrl: host.routerUrl, tmp: host.tmp });
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const d = await host.submit(SERVICE, 'v2', { blueGreen: { scaleDownDelaySeconds: 1, previewService: 'web-preview' } });
  say({ submitted: d.id });
  const started = Date.now();
  let view = await host.controller.describe(d.id);
  while (Date.now() - started < 8_000 && !['succeeded', 'failed', 'aborted'].includes(view.deployment.status)) {
    await sleep(250);
    view = await host.controller.describe(d.id);
    say({ heartbeat: true, status: view.deployment.status, actions: view.deployment.actions.length, weights: view.weights });
  }
  const setWeights = view.deployment.actions.filter((a) => a.action.type === 'setWeights');
  say({
    done: true,
    status: view.deployment.status,
    actions: view.deployment.actions.length,
    setWeights: setWeights.length,
    setWeightsTargets: [...new Set(setWeights.map((a) => `${a.action.service} ${JSON.stringify(a.action.weights)}`))],
    activeWeights: view.weights,
  });
  // The parent probes and stops its load first: the router goes away with this process.
  await new Promise((resolve) => process.stdin.once('data', resolve));
  if (!['succeeded', 'failed', 'aborted'].includes(view.deployment.status)) await host.controller.abort(d.id, { actor: 'bench', reason: 'preview probe over' });
  const final = await host.waitForStatus(d.id, ['succeeded', 'failed', 'aborted'], 10_000);
  say({ final: final.deployment.status });
  await host.close();
  process.exit(0);
}

/** Processes whose working directory is under `dir`: the replicas a killed controller left behind. */
function findProcessesUnder(dir) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** The parent side of the previewService probe: load, probes, a bounded wait, cleanup. */
async function probeBlueGreenPreview() {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--preview-child'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  let buffered = '';
  const waiters = [];
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      line.receivedAtMs = Date.now();
      lines.push(line);
      for (const waiter of waiters.splice(0)) waiter();
    }
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const waitFor = async (test, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (!lines.some(test) && Date.now() < deadline) {
      await Promise.race([new Promise((resolve) => waiters.push(resolve)), sleep(Math.max(0, deadline - Date.now())), exited]);
    }
    return lines.find(test);
  };
  let tmp;
  let hey;
  try {
    const ready = await waitFor((l) => l.ready, 60_000);
    if (!ready) throw new Error('preview child: no ready line within 60 s');
    tmp = ready.tmp;
    hey = startHey(`${ready.routerUrl}/`, SERVICE);
    await sleep(LEAD_MS);
    const goAtMs = Date.now();
    child.stdin.write('go\n');
    const done = await waitFor((l) => l.done, PREVIEW_MS);
    // While the child's router still serves: what each host answers once the deployment ended, and
    // the load on the active service up to then.
    const probes = { web: await probe(ready.routerUrl, SERVICE), webPreview: await probe(ready.routerUrl, 'web-preview') };
    const traffic = await hey.stop();
    hey = undefined;
    child.stdin.write('close\n');
    const final = done ? await waitFor((l) => l.final, 10_000) : undefined;
    const submitted = lines.find((l) => l.submitted);
    const heartbeats = lines.filter((l) => l.heartbeat);
    const last = lines.at(-1);
    return {
      submittedAfterGoMs: submitted ? submitted.atMs - goAtMs : null,
      heartbeats: heartbeats.length,
      lastChildLineAfterGoMs: last ? last.atMs - goAtMs : null,
      lastHeartbeat: heartbeats.at(-1) ?? null,
      controllerAnsweredWithinMs: PREVIEW_MS,
      done: done ?? null,
      final: final?.final ?? null,
      probesAtDone: Object.fromEntries(Object.entries(probes).map(([k, p]) => [k, `${p.status} ${p.version ?? '-'} ${p.body.slice(0, 160)}`])),
      activeServiceLoad: traffic,
    };
  } finally {
    hey?.kill();
    child.kill('SIGKILL');
    await exited;
    if (tmp) {
      const orphans = findProcessesUnder(tmp);
      for (const pid of orphans) process.kill(pid, 'SIGKILL');
      await sleep(200);
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

if (values['preview-child']) await runPreviewChild();

const load = { before: loadavg().map(round2) };
const host = await startDeployHost({ name: 'zero-downtime' });
const url = `${host.routerUrl}/`;
const results = {};
let versionNumber = 1;
try {
  const first = await host.submit(SERVICE, 'v1', { recreate: {} });
  await host.waitForStatus(first.id, ['succeeded'], 30_000);
  // Warm-up: connections open, JIT settled in router and fixture.
  const warm = startHey(url, SERVICE);
  await sleep(1_000);
  await warm.stop();
  log('v1 deployed, warmed up');

  for (const [name, strategy] of Object.entries(strategies)) {
    versionNumber += 1;
    const version = `v${versionNumber}`;
    const hey = startHey(url, SERVICE);
    let view;
    let deployMs;
    try {
      await sleep(LEAD_MS);
      const started = Date.now();
      const d = await host.submit(SERVICE, version, strategy);
      view = await host.waitForStatus(d.id, ['succeeded', 'failed', 'aborted'], 40_000);
      deployMs = Date.now() - started;
      await sleep(TAIL_MS);
    } catch (error) {
      hey.kill();
      throw error;
    }
    log(`${name}: ${view.deployment.status} in ${deployMs} ms; stopping hey`);
    const traffic = await hey.stop();
    log(`${name}: ${JSON.stringify(traffic)}`);
    const served = await probe(host.routerUrl, SERVICE);
    results[name] = {
      version,
      status: view.deployment.status,
      deployMs,
      actions: view.deployment.actions.map((a) => a.action.type === 'setWeights' ? `setWeights ${JSON.stringify(a.action.weights)}` : a.action.type),
      servedAfter: served.version,
      ...traffic,
      zeroFailed: traffic.failed === 0,
    };
  }

} finally {
  await host.close();
}
log('blueGreen+preview probe (controller in a child process)');
const blueGreenPreview = await probeBlueGreenPreview();
log(`blueGreen+preview: ${JSON.stringify(blueGreenPreview)}`);
load.after = loadavg().map(round2);

const met = Object.values(results).every((r) => r.status === 'succeeded' && r.zeroFailed);
const result = {
  bench: 'zero-downtime',
  rate: RATE,
  workers: WORKERS,
  replicas: 2,
  ...results,
  blueGreenPreview,
  target: '0 failed requests per strategy at 500 req/s',
  met,
  loadavg: load,
  node: process.version,
  cpus: cpus().length,
};
console.log(JSON.stringify(result));
if (!values['no-record']) {
  appendResultLine(join(root, 'bench/RESULTS.md'), `- ${new Date().toISOString()} zero-downtime: ${JSON.stringify(result)}`);
}
