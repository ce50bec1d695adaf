import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { AppError, ErrorCode } from '../../../errors/app-error.js';
import { sendCommand } from './runtime-api.js';

export interface HaproxyProcess {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after killAfterMs; resolves once the process has exited. */
  stop(killAfterMs?: number): Promise<void>;
}

/**
 * Starts `haproxy -f <config> -db` (foreground, so it dies with us and its exit is observable) and
 * resolves once its admin socket answers. Fails with HAProxy's stderr when it exits or stays silent.
 */
export async function startHaproxy(options: { haproxyPath: string; configPath: string; adminSocketPath: string; startTimeoutMs: number }): Promise<HaproxyProcess> {
  const child: ChildProcess = spawn(options.haproxyPath, ['-f', options.configPath, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    // Bounded: HAProxy warns at every server state change and we keep only what explains a failure.
    stderr = (stderr + chunk).slice(-8_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + options.startTimeoutMs;
  const fail = async (why: string, cause?: unknown): Promise<never> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw new AppError(ErrorCode.unavailable, `haproxy (${options.haproxyPath} -f ${options.configPath}) ${why}: ${stderr.trim()}`, { cause });
  };
  for (;;) {
    const error = await Promise.race([spawnFailed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 20))]);
    if (error) return fail('could not be started', error);
    if (child.exitCode !== null || child.signalCode !== null) return fail(`exited with ${child.exitCode ?? child.signalCode} while starting`);
    try {
      await sendCommand(options.adminSocketPath, 'show info', 2_000);
      break;
    } catch (err) {
      if (Date.now() > deadline) return fail(`did not answer on its admin socket within ${options.startTimeoutMs} ms`, err);
    }
  }
  return {
    pid: child.pid!,
    stop: async (killAfterMs = 5_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A port free on 127.0.0.1 right now; the caller retries when HAProxy loses the race for it. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
