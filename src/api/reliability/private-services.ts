/**
 * Private PostgreSQL, Redis and NATS servers for the restart tests: each on a free loopback port, in a
 * temp dir of its own, started and stopped by the test alone. The shared services (5432/6379/4222) are
 * used by other test files at the same time and must never be stopped.
 * - A missing binary skips the test (with its reason), unless SLIPWAY_REQUIRE_SERVICES=1: then it fails.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access, chmod, constants, mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../test-support/wait-for.js';
import { findFreePort } from './slipway-processes.js';

const run = promisify(execFile);

export const requireServices = process.env['SLIPWAY_REQUIRE_SERVICES'] === '1';

/** A restartable server process on a fixed port; stop() and start() may alternate any number of times. */
export interface PrivateService {
  url: string;
  port: number;
  start(): Promise<void>;
  /** A fast shutdown (SIGTERM / pg_ctl -m fast); resolves once the port refuses connections. */
  stop(): Promise<void>;
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>;
}

async function isExecutable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** The first of `names` found on PATH (or as an absolute path), else undefined. */
export async function findBinary(...names: string[]): Promise<string | undefined> {
  const dirs = (process.env['PATH'] ?? '/usr/bin:/bin').split(':').filter(Boolean);
  for (const name of names) {
    if (name.startsWith('/')) {
      if (await isExecutable(name)) return name;
      continue;
    }
    for (const dir of [...dirs, '/usr/sbin', '/usr/local/sbin']) {
      if (await isExecutable(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

/** PostgreSQL's server binaries: /usr/lib/postgresql/<newest>/bin, else initdb/pg_ctl on PATH. */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const dir = join('/usr/lib/postgresql', version, 'bin');
    if ((await isExecutable(join(dir, 'initdb'))) && (await isExecutable(join(dir, 'pg_ctl')))) return dir;
  }
  const initdb = await findBinary('initdb');
  return initdb ? join(initdb, '..') : undefined;
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, open: boolean, what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${what} to ${open ? 'listen' : 'stop listening'} on ${port}`, async () => ((await isListening(port)) === open ? true : undefined), timeoutMs);
}

/** A server started as a plain child process (redis-server, nats-server), stopped with SIGTERM. */
function childService(options: { name: string; url: string; port: number; dir: string; spawnArgs(): [string, string[]] }): PrivateService {
  let child: ChildProcess | undefined;
  let output = '';
  const stop = async (): Promise<void> => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGTERM');
    const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    await waitForPort(options.port, false, options.name);
  };
  return {
    url: options.url,
    port: options.port,
    start: async () => {
      const [command, args] = options.spawnArgs();
      output = '';
      const started = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      started.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      started.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      child = started;
      await waitFor(
        `${options.name} to listen on ${options.port}`,
        async () => {
          if (started.exitCode !== null) throw new Error(`${options.name} exited with ${started.exitCode}: ${output}`);
          return (await isListening(options.port)) ? true : undefined;
        },
        20_000,
      );
    },
    stop,
    dispose: async () => {
      await stop();
      await rm(options.dir, { recursive: true, force: true });
    },
  };
}

/** redis-server without persistence: a restart starts empty, as a cache-configured Redis does. */
export async function createPrivateRedis(binary: string): Promise<PrivateService> {
  const port = await findFreePort();
  const dir = await mkdtemp(join(tmpdir(), 'slipway-private-redis-'));
  return childService({
    name: 'redis-server',
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    spawnArgs: () => [binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]],
  });
}

/** nats-server with JetStream on disk: streams and durables survive a restart. */
export async function createPrivateNats(binary: string): Promise<PrivateService> {
  const port = await findFreePort();
  const dir = await mkdtemp(join(tmpdir(), 'slipway-private-nats-'));
  return childService({
    name: 'nats-server',
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    spawnArgs: () => [binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir]],
  });
}

/**
 * A PostgreSQL cluster of its own (initdb into a temp dir, trust auth on loopback), driven by pg_ctl.
 * initdb refuses to run as root, so as root it runs as the `postgres` OS user (which owns the dir).
 */
export async function createPrivatePostgres(binDir: string): Promise<PrivateService> {
  const port = await findFreePort();
  const root = await mkdtemp(join(tmpdir(), 'slipway-private-pg-'));
  const dataDir = join(root, 'data');
  const asRoot = process.getuid?.() === 0;
  const runAs = async (command: string, args: string[]): Promise<void> => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    await run(file, argv, { timeout: 60_000 });
  };
  if (asRoot) {
    await chmod(root, 0o777);
  }
  await runAs(join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const pgCtl = join(binDir, 'pg_ctl');
  // Sockets in the data dir: /var/run/postgresql may not exist or belong to the shared server.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dataDir} -c fsync=off -c max_connections=60`;
  const stop = async (): Promise<void> => {
    await runAs(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => {});
    await waitForPort(port, false, 'postgres');
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: async () => {
      await runAs(pgCtl, ['-D', dataDir, '-o', serverOptions, '-l', join(dataDir, 'server.log'), '-w', '-t', '30', 'start']);
      await waitForPort(port, true, 'postgres');
    },
    stop,
    dispose: async () => {
      await stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Why a test cannot run here, or undefined when it can; throws instead under SLIPWAY_REQUIRE_SERVICES=1. */
export function missingBinaryReason(what: string, found: string | undefined): string | undefined {
  if (found) return undefined;
  const reason = `${what} is not installed`;
  if (requireServices) throw new Error(`${reason}, and SLIPWAY_REQUIRE_SERVICES=1 requires it`);
  return reason;
}
