// Router overhead: the same target reached directly, through the built-in router and through
// HAProxy (driven by Slipway), side by side in one run, with `hey` as the load generator.
// 1. Added latency at a fixed rate: `hey -q` paces each worker, RATE req/s in all; p50/p99 per path
//    and the router's added p99 over direct. 2. Max req/s: `hey -c 50` unpaced.
// The target and each router run in their own processes (bench/lib/http-target.mjs,
// bench/lib/router-host.mjs), so none shares an event loop with hey or with each other.
// Run after `npm run build`: node bench/router-overhead.mjs [--rate 2000] [--seconds 5] [--no-record]
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { execFile, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { parseHeySummary } from './lib/hey.mjs';
import { startHttpTarget } from './lib/http-target.mjs';
import { appendResultLine } from './lib/results-file.mjs';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '5' },
    'max-requests': { type: 'string', default: '20000' },
    'no-record': { type: 'boolean', default: false },
  },
});
const RATE = Number(values.rate);
const WORKERS = 20;
const SECONDS = Number(values.seconds);
const MAX_REQUESTS = Number(values['max-requests']);
const HEY = process.env.HEY ?? '/usr/bin/hey';
const round2 = (n) => Math.round(n * 100) / 100;

function startRouter(kind, backendPort) {
  const child = spawn(process.execPath, [join(root, 'bench/lib/router-host.mjs'), kind, String(backendPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${kind} router exited early with ${code}`)));
    child.stdout.setEncoding('utf8').once('data', (text) => resolve({ child, url: `${text.trim()}/` }));
  });
}

async function hey(args) {
  const { stdout } = await run(HEY, args, { timeout: 120_000, maxBuffer: 1 << 24 });
  return parseHeySummary(stdout);
}

async function measure(url) {
  // Warm-up: connections open, JIT settled.
  await hey(['-n', '2000', '-c', String(WORKERS), url]);
  const paced = await hey(['-n', String(RATE * SECONDS), '-c', String(WORKERS), '-q', String(RATE / WORKERS), url]);
  const max = await hey(['-n', String(MAX_REQUESTS), '-c', '50', url]);
  return {
    atRate: { rps: round2(paced.rps), p50Ms: round2(paced.p50Ms), p99Ms: round2(paced.p99Ms), errors: paced.errors },
    max: { rps: round2(max.rps), p50Ms: round2(max.p50Ms), p99Ms: round2(max.p99Ms), errors: max.errors },
  };
}

const load = { before: loadavg().map(round2) };
const target = await startHttpTarget(0);
const children = [target.child];
const paths = {};
try {
  paths.direct = await measure(target.url);
  for (const kind of ['builtin', 'haproxy']) {
    const router = await startRouter(kind, target.port);
    children.push(router.child);
    paths[kind] = await measure(router.url);
    router.child.kill('SIGTERM');
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
}
load.after = loadavg().map(round2);
const addedP99 = (kind) => round2(paths[kind].atRate.p99Ms - paths.direct.atRate.p99Ms);
const result = {
  bench: 'router-overhead',
  rate: RATE,
  seconds: SECONDS,
  ...paths,
  addedP99Ms: { builtin: addedP99('builtin'), haproxy: addedP99('haproxy') },
  maxRpsRatioToHaproxy: round2(paths.builtin.max.rps / paths.haproxy.max.rps),
  loadavg: load,
  node: process.version,
  cpus: cpus().length,
};
console.log(JSON.stringify(result));
if (!values['no-record']) {
  appendResultLine(join(root, 'bench/RESULTS.md'), `- ${new Date().toISOString()} router-overhead: ${JSON.stringify(result)}`);
}
