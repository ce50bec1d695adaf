// A server with the run/agent routes and one agent, for benches that measure the path from a run
// request to an agent and back. Store: PGlite in a temp dir; with DATABASE_URL, PostgreSQL in a
// fresh schema, dropped by stop(). agentMode 'inprocess' (default) runs the agent in this process, as
// `slipway up` does; 'process' runs `slipway agent` as its own process, as a team setup does — then
// the agent's step spawns do not pay the fork cost of a process holding PGlite (~750 MB RSS); 'none'
// starts no agent (benches of the read API). databaseUrl overrides DATABASE_URL (null: PGlite), for
// a bench that compares both stores in one run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { runAgent } from '../../dist/agent/index.js';
import { createServer } from '../../dist/api/create-server.js';
import { adminTokenOf, signInFetch } from '../../dist/api/test-support/sign-in-as-admin.js';
import { systemClock } from '../../dist/clock/clock.js';
import { detectSandbox } from '../../dist/runner/index.js';
import { connectPostgres, openStore } from '../../dist/store/index.js';

export async function startBenchPlatform({ name, onNotice, agentMode = 'inprocess', warmStart = true, databaseUrl = process.env.DATABASE_URL }) {
  const token = `bench-agent-token-${randomBytes(8).toString('hex')}`;
  const schema = databaseUrl ? `bench_${name}_${randomBytes(4).toString('hex')}` : undefined;
  const workDir = await mkdtemp(join(tmpdir(), `slipway-bench-${name}-`));
  const abort = new AbortController();
  let store;
  let app;
  let agent;
  const stop = async () => {
    abort.abort();
    await agent?.catch(() => {});
    await app?.close();
    await store?.close();
    if (schema && store) {
      const admin = await connectPostgres({ databaseUrl, maxConnections: 1 });
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.close();
    }
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    store = await openStore(databaseUrl ? { databaseUrl, schema } : { dataDir: join(workDir, 'db') });
    app = createServer({
      identity: { db: store.db, clock: systemClock },
      version: 'bench',
      logger: pino({ level: 'silent' }),
      checkHealth: async () => ({ ok: true }),
      agents: { db: store.db, clock: systemClock, agentToken: token },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${app.server.address().port}`;
    // The bench's API calls act as the administrator: this process's fetch sends the token, and
    // subscriber processes get it as `apiToken`.
    const apiToken = await adminTokenOf(store.db);
    signInFetch(url, apiToken);
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    // The same probe runAgent makes, to record which sandbox the steps ran in.
    const sandbox = (await detectSandbox({ searchPath: env.PATH, probeDir: workDir })).sandbox.kind;
    if (agentMode === 'none') return { url, apiToken, db: store.db, storeKind: store.db.kind, sandbox, agentMode, stop };
    if (agentMode === 'process') {
      agent = runAgentProcess({ url, token, workDir: join(workDir, 'agent'), env, warmStart, signal: abort.signal });
      return { url, apiToken, db: store.db, storeKind: store.db.kind, sandbox, agentMode, stop };
    }
    agent = runAgent({
      serverUrl: url,
      token,
      name: 'bench',
      labels: [],
      capacity: 1,
      workDir: join(workDir, 'agent'),
      env,
      signal: abort.signal,
      warmStart,
      ...(onNotice ? { onNotice } : {}),
    });
    return { url, apiToken, db: store.db, storeKind: store.db.kind, sandbox, agentMode, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `slipway agent` in its own process; resolves once it exited after the signal aborted. */
function runAgentProcess({ url, token, workDir, env, warmStart, signal }) {
  const bin = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'agent', '--server', url, '--token', token, '--name', 'bench', '--capacity', '1', '--work-dir', workDir, ...(warmStart ? [] : ['--no-warm-start'])], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  signal.addEventListener('abort', () => child.kill('SIGTERM'), { once: true });
  return new Promise((resolve) => child.once('exit', resolve));
}
