import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { findExecutable } from './find-executable.js';
import { signalProcessGroup } from './kill-process-group.js';
import type { GroupLeader } from './run-process.js';
import type { Sandbox, SandboxCommand } from './sandbox/sandbox.js';

/**
 * A step process started before its job arrived: a fresh workspace and, in it, the sandbox already
 * set up around a small bash launcher that waits on stdin. Taking it hands the launcher the step's
 * directory, environment and argv; it execs them with `env -i`, so the step starts with exactly that
 * environment, stdin on /dev/null and its own process group — as a cold spawn would, minus the fork
 * of this process and the sandbox's namespace setup (bench/dispatch-latency.mjs).
 */
export interface WarmStart {
  /** The job that takes this start runs in this directory (the sandbox binds it). */
  readonly workspaceDir: string;
  /** The waiting process (the sandbox's, when there is one): for diagnostics. */
  readonly pid: number | undefined;
  /**
   * Starts the command in the waiting process, once. Undefined when it does not fit (another
   * workspace, no network wanted, an argv or environment the launcher cannot pass) or when the
   * process is gone: the caller spawns the step as usual.
   */
  take(command: SandboxCommand): GroupLeader | undefined;
  /** Kills the waiting process unless it was taken. The workspace stays: its job removes it. */
  dispose(): void;
}

export interface PrepareWarmStartOptions {
  sandbox: Sandbox;
  /** The workspace is created under it. */
  workDir: string;
  searchPath: string | undefined;
  /** Longest wait for the sandbox to be up. Default 5000 ms. */
  readyTimeoutMs?: number;
}

// Fields on stdin, each ending in NUL: cwd, the number n of environment entries, n × NAME=VALUE, argv.
// fd 3 says the launcher is up (bash ≥ 4.4 for `mapfile -d`) and is closed before the step sees it.
const launcherScript = (envPath: string) => `((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))) || exit 125
printf R >&3
exec 3>&-
mapfile -d '' -t f
# EOF without a command: the agent went away (or disposed of this start).
((\${#f[@]} >= 3)) || exit 125
exec </dev/null
cd -- "\${f[0]}" || exit 127
n=\${f[1]}
exec ${shellQuote(envPath)} -i -- "\${f[@]:2:n}" "\${f[@]:2+n}"`;

/**
 * Starts a warm step process, or resolves undefined when this machine cannot have one (no bash or
 * env, bash older than 4.4, a sandbox that fails to start). Never throws: a warm start is only ever
 * an optimisation.
 */
export async function prepareWarmStart(options: PrepareWarmStartOptions): Promise<WarmStart | undefined> {
  const [bash, envPath] = await Promise.all([findExecutable('bash', options.searchPath), findExecutable('env', options.searchPath)]);
  if (!bash || !envPath) return undefined;
  let workspaceDir: string;
  try {
    workspaceDir = await mkdtemp(join(options.workDir, 'job-next-'));
  } catch {
    return undefined;
  }
  const spec = options.sandbox.wrap({
    argv: [bash, '--noprofile', '--norc', '-c', launcherScript(envPath)],
    cwd: workspaceDir,
    env: { PATH: options.searchPath ?? '/usr/bin:/bin' },
    workspaceDir,
    network: true,
  });
  let child: ChildProcessByStdio<Writable, Readable, Readable>;
  try {
    child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  } catch {
    await rm(workspaceDir, { recursive: true, force: true });
    return undefined;
  }
  // A write to a launcher that died meanwhile must not crash the agent; take() checks it is alive.
  child.stdin.on('error', () => {});
  child.on('error', () => {});
  const readySignal = child.stdio[3] as Readable;
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), options.readyTimeoutMs ?? 5000);
    readySignal.once('data', () => {
      clearTimeout(timer);
      resolve(true);
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  readySignal.destroy();
  let taken = false;
  const kill = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) signalProcessGroup(child.pid, 'SIGKILL');
  };
  if (!ready) {
    kill();
    await rm(workspaceDir, { recursive: true, force: true });
    return undefined;
  }
  return {
    workspaceDir,
    pid: child.pid,
    take: (command) => {
      if (taken || child.exitCode !== null || child.signalCode !== null || !child.stdin.writable) return undefined;
      if (command.workspaceDir !== workspaceDir || !command.network) return undefined;
      const wrapped = options.sandbox.wrap(command);
      const entries = Object.entries(wrapped.env);
      // env(1) reads NAME=VALUE up to the first word without '=': that word must be the command.
      if (command.argv[0].includes('=') || entries.some(([name]) => name === '' || name.includes('='))) return undefined;
      const fields = [command.cwd, String(entries.length), ...entries.map(([name, value]) => `${name}=${value}`), ...command.argv];
      if (fields.some((field) => field.includes('\0'))) return undefined;
      taken = true;
      child.stdin.end(fields.map((field) => `${field}\0`).join(''));
      return child;
    },
    dispose: () => {
      if (taken) return;
      taken = true;
      kill();
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
