import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createGroupKiller, signalProcessGroup } from './kill-process-group.js';
import { createLineBuffer } from './line-buffer.js';

export interface ProcessSpec {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export type OutputStream = 'stdout' | 'stderr';

export interface RunProcessOptions {
  /** Undefined = no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Time between SIGTERM and SIGKILL of the process group. */
  killGraceMs: number;
  /** Receives whole lines only (see createLineBuffer). */
  onOutput?(stream: OutputStream, text: string): void;
}

export type ProcessEnding = 'exited' | 'timed-out' | 'canceled' | 'spawn-failed';

export interface ProcessOutcome {
  ending: ProcessEnding;
  /** Null when the process was killed by a signal or never started. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  /** Set when ending is 'spawn-failed'. */
  error?: string;
}

/**
 * Runs one process as the leader of its own process group and waits until the whole group is
 * done with its output. Whatever the leader leaves behind (background jobs) is terminated when
 * the leader exits: a step's processes never outlive the step.
 */
export function runProcess(spec: ProcessSpec, options: RunProcessOptions): Promise<ProcessOutcome> {
  if (options.signal?.aborted) {
    return Promise.resolve({ ending: 'canceled', exitCode: null, exitSignal: null });
  }
  const child = spawn(spec.file, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return superviseProcess(child, options);
}

/** A child spawned detached (leader of its own process group) with piped stdout and stderr. */
export type GroupLeader = ChildProcessByStdio<Writable | null, Readable, Readable>;

/**
 * runProcess for a process that is already running (see warm-start.ts): its output, its end, and
 * its group killed on cancel, timeout, or once it exits.
 */
export function superviseProcess(child: GroupLeader, options: RunProcessOptions): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    const buffers = {
      stdout: createLineBuffer({ onLines: (text) => options.onOutput?.('stdout', text) }),
      stderr: createLineBuffer({ onLines: (text) => options.onOutput?.('stderr', text) }),
    };
    child.stdout.on('data', (chunk: Buffer) => buffers.stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => buffers.stderr.push(chunk));

    let ending: ProcessEnding = 'exited';
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let settled = false;
    const killer = child.pid === undefined ? undefined : createGroupKiller(child.pid, options.killGraceMs);
    const timers: NodeJS.Timeout[] = [];

    const stop = (why: ProcessEnding) => {
      if (ending === 'exited') ending = why;
      killer?.terminate();
    };
    const onAbort = () => stop('canceled');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop('canceled');
    if (options.timeoutMs !== undefined) {
      timers.push(setTimeout(() => stop('timed-out'), Math.max(0, options.timeoutMs)));
    }

    const finish = (outcome: ProcessOutcome) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      buffers.stdout.flush();
      buffers.stderr.flush();
      resolve(outcome);
    };

    child.on('error', (error) => {
      // Only spawn failures land here before 'exit'; a kill error would have thrown synchronously.
      if (child.pid === undefined) {
        finish({ ending: 'spawn-failed', exitCode: null, exitSignal: null, error: error.message });
      }
    });
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      killer?.terminate();
      // A process that escaped the group (setsid) may hold the pipes open forever; stop waiting
      // for them once the group has had its grace period.
      const giveUp = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ ending, exitCode, exitSignal });
      }, options.killGraceMs + 1000);
      giveUp.unref();
      timers.push(giveUp);
    });
    child.on('close', () => {
      // Keep the SIGKILL pending while a member that ignored SIGTERM (and closed its pipes) lives.
      if (child.pid !== undefined && !signalProcessGroup(child.pid, 0)) killer?.dispose();
      finish({ ending, exitCode, exitSignal });
    });
  });
}
