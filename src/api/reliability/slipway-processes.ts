/**
 * Real `slipway server` and `slipway agent` processes for the reliability tests: what `kill -9` does
 * to a process cannot be simulated in-process, so these spawn bin/slipway.js (the compiled dist/).
 */
import { access, constants, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connectPostgres } from '../../store/index.js';
import { adminTokenOf, signInFetch } from '../test-support/sign-in-as-admin.js';
import { type CliProcess, spawnCli } from '../../cli/test-support/spawn-cli.js';
import { waitFor } from '../test-support/wait-for.js';

/** The agent token every reliability process shares. */
export const reliabilityAgentToken = 'reliability-agent-token-0123456789';
/** Servers sharing one database must share the key that seals secrets. */
const masterKeyHex = 'ab'.repeat(32);

export interface ServerProcessOptions {
  /** PostgreSQL URL, with the test's schema as search_path (postgresUrlWithSchema). */
  databaseUrl: string;
  port: number;
  /** SLIPWAY_LEASE_SECONDS. */
  leaseSeconds: number;
  dataDir: string;
  /** More environment of the server, e.g. SLIPWAY_ROUTER_PORT. */
  env?: Record<string, string>;
}

export interface SlipwayProcess {
  cli: CliProcess;
  /** Sends SIGKILL and resolves once the process is gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM (a clean shutdown) and resolves once the process is gone; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerProcess extends SlipwayProcess {
  url: string;
}

/** A port free right now, for a server that must come back on the same port after a restart. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function wrap(cli: CliProcess): SlipwayProcess {
  const gone = () => cli.child.exitCode !== null || cli.child.signalCode !== null;
  return {
    cli,
    kill: async () => {
      if (!gone()) cli.child.kill('SIGKILL');
      await cli.exited;
    },
    stop: async (graceMs = 10_000) => {
      if (gone()) return;
      cli.child.kill('SIGTERM');
      const timer = setTimeout(() => cli.child.kill('SIGKILL'), graceMs);
      await cli.exited;
      clearTimeout(timer);
    },
  };
}

/** Starts `slipway server` and resolves once /api/v1/health says its store is open. */
export async function startServerProcess(options: ServerProcessOptions, readyTimeoutMs = 45_000): Promise<ServerProcess> {
  const cli = spawnCli(['server', '--port', String(options.port), '--host', '127.0.0.1', '--data-dir', options.dataDir], {
    env: {
      DATABASE_URL: options.databaseUrl,
      SLIPWAY_AGENT_TOKEN: reliabilityAgentToken,
      SLIPWAY_MASTER_KEY: masterKeyHex,
      SLIPWAY_LEASE_SECONDS: String(options.leaseSeconds),
      SLIPWAY_LOG_LEVEL: 'warn',
      // The first start saves the administrator's token for the CLI: in the data dir, not the home's config.
      SLIPWAY_CONFIG_DIR: join(options.dataDir, 'cli-config'),
      // Several servers run side by side: a fixed canary gRPC port would be taken by the first.
      SLIPWAY_GRPC_PORT: '0',
      ...options.env,
    },
  });
  const server = { ...wrap(cli), url: `http://127.0.0.1:${options.port}` };
  try {
    await waitFor(
      'the server to be ready',
      async () => {
        if (cli.child.exitCode !== null) throw new Error(`slipway server exited with ${cli.child.exitCode}:\n${cli.stderr()}`);
        const health = await fetch(`${server.url}/api/v1/health`).catch(() => undefined);
        return health?.status === 200 ? true : undefined;
      },
      readyTimeoutMs,
    );
  } catch (error) {
    await server.kill();
    throw error;
  }
  await signInAsAdmin(options.databaseUrl, server.url);
  return server;
}

/** This test process's fetch acts as the store's administrator towards `url` (see signInFetch). */
async function signInAsAdmin(databaseUrl: string, url: string): Promise<void> {
  const db = await connectPostgres({ databaseUrl });
  try {
    signInFetch(url, await adminTokenOf(db));
  } finally {
    await db.close();
  }
}

export interface AgentProcessOptions {
  serverUrl: string;
  name: string;
  capacity: number;
  workDir: string;
  /** PATH of the agent and so of its steps (unsandboxedPath). */
  path: string;
  /** More environment of the agent, e.g. NODE_OPTIONS. */
  env?: Record<string, string>;
}

/** Starts `slipway agent`; its steps see SLIPWAY_TEST_AGENT=<name>, to tell which agent ran them. */
export function startAgentProcess(options: AgentProcessOptions): SlipwayProcess {
  const cli = spawnCli(
    ['agent', '--server', options.serverUrl, '--name', options.name, '--capacity', String(options.capacity), '--work-dir', options.workDir],
    { env: { SLIPWAY_AGENT_TOKEN: reliabilityAgentToken, PATH: options.path, SLIPWAY_TEST_AGENT: options.name, ...options.env } },
  );
  return wrap(cli);
}

/** Resolves once the agent's stderr says it holds a jobs stream open. */
export function waitForAgentConnected(agent: SlipwayProcess, timeoutMs = 30_000): Promise<true> {
  return waitFor(
    'the agent to connect',
    async () => {
      if (agent.cli.child.exitCode !== null) throw new Error(`slipway agent exited with ${agent.cli.child.exitCode}:\n${agent.cli.stderr()}`);
      return agent.cli.stderr().includes('connected to ') ? true : undefined;
    },
    timeoutMs,
  );
}

/** True once no job workspace is left under the agent's work dir: every job it was given has ended. */
export async function isAgentIdle(workDir: string): Promise<boolean> {
  const entries = await readdir(workDir).catch(() => [] as string[]);
  return !entries.some((name) => name.startsWith('job-'));
}

/** A reliability test's scratch space, each part removed by a function pushed onto `cleanups`. */
export interface Scratch {
  /** A temp dir for the server's data, the agents' work dirs and the like. */
  root: string;
  /** unsandboxedPath(): steps run without bubblewrap, so they can write the marker file. */
  path: string;
  /** Where marked steps append one line per execution (marked-jobs.ts). */
  markerFile: string;
}

export async function createScratch(prefix: string, cleanups: (() => Promise<unknown>)[]): Promise<Scratch> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  const path = await unsandboxedPath();
  cleanups.push(() => rm(path, { recursive: true, force: true }));
  return { root, path, markerFile: join(root, 'executions.log') };
}

/**
 * A PATH of symlinks to just the tools the test steps use, without `bwrap`: the agent then runs steps
 * unsandboxed, so they can append to a marker file outside their workspace (bubblewrap mounts
 * everything but the workspace read-only).
 */
export async function unsandboxedPath(tools: readonly string[] = ['bash', 'sh', 'sleep', 'date', 'cat']): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-reliability-bin-'));
  const searchDirs = (process.env['PATH'] ?? '/usr/bin:/bin').split(delimiter).filter(Boolean);
  for (const tool of tools) {
    let found: string | undefined;
    for (const candidate of searchDirs.map((d) => join(d, tool))) {
      if (await access(candidate, constants.X_OK).then(() => true, () => false)) {
        found = candidate;
        break;
      }
    }
    if (found) await symlink(found, join(dir, tool));
  }
  return dir;
}
