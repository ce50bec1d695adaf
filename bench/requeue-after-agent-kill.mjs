// Requeue after an agent dies, "kill -9 of the agent → the job's step starts again elsewhere": a real
// `slipway server` process (SLIPWAY_LEASE_SECONDS=--lease-seconds) and per sample two `slipway agent`
// processes. A job (retry: 1) whose step stamps `date +%s%N` into a marker file and sleeps starts on
// agent A; agent B connects; A gets SIGKILL. Requeue time = B's stamp − the wall time just before the
// kill, so it covers the rest of the lease (A's last heartbeat was up to lease/3 before the kill), the
// dispatcher's reaper tick, the retry backoff, the claim, the push to B and the shell's start.
// Excess = requeue time − lease. Target: excess < 1000 ms for every sample. On PostgreSQL the job's
// lease_expires_at is read right after the kill (no heartbeat can move it any more), so the time from
// the actual expiry to the restart (afterExpiryMs) is reported too.
// Run after `npm run build`: node bench/requeue-after-agent-kill.mjs [--samples 3] [--lease-seconds 3] [--no-record]
// Store: PGlite in a temp dir; with DATABASE_URL, PostgreSQL in a fresh schema, dropped afterwards.
// Steps run unsandboxed (the agents' PATH has no bwrap) so they can write the marker outside the workspace.
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectPostgres } from '../dist/store/index.js';
import { appendResultLine } from './lib/results-file.mjs';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '3' },
    'lease-seconds': { type: 'string', default: '3' },
    'no-record': { type: 'boolean', default: false },
  },
  strict: true,
});
const SAMPLES = Number(values.samples);
const LEASE_MS = Math.round(Number(values['lease-seconds']) * 1000);
const TARGET_EXCESS_MS = 1000;
const binPath = fileURLToPath(new URL('../bin/slipway.js', import.meta.url));
const token = `bench-agent-token-${randomBytes(8).toString('hex')}`;

const round = (ms) => Math.round(ms * 100) / 100;
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor((list.length - 1) / 2)];
// Sub-ms CLOCK_REALTIME, comparable with `date +%s%N`.
const wallNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

async function waitFor(what, check, timeoutMs, everyMs = 5) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** A PATH of links to the tools the step uses, without bwrap. */
async function toolsPath(dir) {
  const searchDirs = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).filter(Boolean);
  for (const tool of ['bash', 'sh', 'sleep', 'date']) {
    for (const candidate of searchDirs.map((d) => join(d, tool))) {
      if (await access(candidate, constants.X_OK).then(() => true, () => false)) {
        await symlink(candidate, join(dir, tool));
        break;
      }
    }
  }
  return dir;
}

function spawnSlipway(args, env) {
  const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr = (stderr + text).slice(-20_000);
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    stderr: () => stderr,
    kill: async () => {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function readMarkers(file) {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tag, agent, ns, pid] = line.split(' ');
      return { tag, agent, ns: BigInt(ns), pid: Number(pid) };
    });
}

const root = await mkdtemp(join(tmpdir(), 'slipway-bench-requeue-'));
const markerFile = join(root, 'markers.log');
const path = await toolsPath(await mkdtemp(join(root, 'bin-')));
const baseUrl = process.env.DATABASE_URL;
const schema = baseUrl ? `bench_requeue_${randomBytes(4).toString('hex')}` : undefined;
let databaseUrl;
let db;
if (schema) {
  const admin = await connectPostgres({ databaseUrl: baseUrl, maxConnections: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const url = new URL(baseUrl);
  url.searchParams.set('options', [url.searchParams.get('options'), `-c search_path=${schema}`].filter(Boolean).join(' '));
  databaseUrl = url.toString();
  db = await connectPostgres({ databaseUrl: baseUrl, schema, maxConnections: 1 });
}

const load = { before: loadavg().map(round) };
const port = await freePort();
const serverUrl = `http://127.0.0.1:${port}`;
const agents = [];
let server;
let result;
let failed = false;
try {
  server = spawnSlipway(['server', '--port', String(port), '--data-dir', join(root, 'server')], {
    SLIPWAY_AGENT_TOKEN: token,
    SLIPWAY_LEASE_SECONDS: String(LEASE_MS / 1000),
    SLIPWAY_LOG_LEVEL: 'warn',
    // The first start prints the administrator's token (read below) and saves it here, not in ~/.config.
    SLIPWAY_CONFIG_DIR: join(root, 'cli-config'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
  });
  await waitFor(
    'the server to be ready',
    async () => {
      if (server.child.exitCode !== null) throw new Error(`slipway server exited:\n${server.stderr()}`);
      const health = await fetch(`${serverUrl}/api/v1/health`).catch(() => undefined);
      return health?.status === 200 ? true : undefined;
    },
    120_000,
    100,
  );
  // A fresh store: the server printed its administrator's token once, for the bench's API calls.
  const apiToken = /^\s+(slp_\S+)$/m.exec(server.stderr())?.[1];
  if (!apiToken) throw new Error(`the server printed no administrator token on its first start:\n${server.stderr()}`);
  const auth = { authorization: `Bearer ${apiToken}` };
  const startAgent = async (name, label) => {
    const agent = spawnSlipway(
      ['agent', '--server', serverUrl, '--name', name, '--labels', label, '--capacity', '1', '--work-dir', join(root, name)],
      { SLIPWAY_AGENT_TOKEN: token, PATH: path, BENCH_AGENT: name },
    );
    agents.push(agent);
    await waitFor(`${name} to connect`, () => (agent.stderr().includes('connected to ') ? true : undefined), 30_000, 20);
    return agent;
  };

  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    const label = `requeue-${i}`;
    const tag = `s${i}`;
    const agentA = await startAgent(`a${i}`, label);
    const pipeline = [
      'name: requeue-bench',
      'stages:',
      '  - name: only',
      `    runs-on: [${label}]`,
      '    retry: 1',
      '    steps:',
      '      - name: stamp',
      '        run: |',
      `          echo "${tag} $BENCH_AGENT $(date +%s%N) $$" >> '${markerFile}'`,
      '          sleep 60',
    ].join('\n');
    const posted = await fetch(`${serverUrl}/api/v1/runs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'bench/requeue', ref: 'refs/heads/main', pipeline }),
    });
    if (posted.status !== 201) throw new Error(`POST /api/v1/runs answered ${posted.status}: ${await posted.text()}`);
    const { runId } = await posted.json();
    const first = await waitFor('the step to start on agent A', async () => (await readMarkers(markerFile)).find((m) => m.tag === tag), 30_000);
    // B connects only now, so the first attempt cannot go to it.
    const agentB = await startAgent(`b${i}`, label);
    const killedNs = wallNs();
    await agentA.kill();
    const lease = db
      ? (await db.query(`SELECT (extract(epoch FROM lease_expires_at) * 1e6)::bigint AS "expiresUs" FROM jobs WHERE run_id = $1`, [runId])).rows[0]
      : undefined;
    // A's step outlives its agent (it leads its own process group): end it, as a dead host would.
    try {
      process.kill(-first.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    const second = await waitFor(
      'the step to start again on agent B',
      async () => (await readMarkers(markerFile)).find((m) => m.tag === tag && m.agent === `b${i}`),
      LEASE_MS + 30_000,
    );
    const requeueMs = Number(second.ns - killedNs) / 1e6;
    const sample = { requeueMs: round(requeueMs), excessMs: round(requeueMs - LEASE_MS) };
    if (lease?.expiresUs) sample.afterExpiryMs = round(Number(second.ns - BigInt(lease.expiresUs) * 1000n) / 1e6);
    samples.push(sample);
    await fetch(`${serverUrl}/api/v1/runs/${runId}/cancel`, { method: 'POST', headers: auth });
    await agentB.stop();
  }
  load.after = loadavg().map(round);
  const excesses = samples.map((s) => s.excessMs);
  result = {
    bench: 'requeue-after-agent-kill',
    leaseMs: LEASE_MS,
    samples,
    requeueMedianMs: round(median(samples.map((s) => s.requeueMs))),
    excessMedianMs: round(median(excesses)),
    excessMaxMs: round(Math.max(...excesses)),
    ...(db ? { afterExpiryMaxMs: round(Math.max(...samples.map((s) => s.afterExpiryMs))) } : {}),
    target: `requeue<lease+${TARGET_EXCESS_MS}ms`,
    met: Math.max(...excesses) < TARGET_EXCESS_MS,
    store: databaseUrl ? 'postgres' : 'pglite',
    loadavg: load,
    node: process.version,
    cpus: cpus().length,
  };
} catch (error) {
  failed = true;
  console.error(error);
  if (server) console.error(`server stderr:\n${server.stderr()}`);
} finally {
  for (const agent of agents) await agent.stop();
  await server?.stop();
  for (const marker of await readMarkers(markerFile)) {
    try {
      process.kill(-marker.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await db?.close();
  if (schema) {
    const admin = await connectPostgres({ databaseUrl: baseUrl, maxConnections: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  }
  await rm(root, { recursive: true, force: true });
}

if (failed || !result) process.exit(1);
console.log(JSON.stringify(result));
if (!values['no-record']) {
  const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  appendResultLine(resultsFile, `- ${new Date().toISOString()} requeue-after-agent-kill: ${JSON.stringify(result)}`);
}
