import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalProcessGroup } from '../../../runner/kill-process-group.js';
import type { Replica, ReplicaEvent, ReplicaEventType, ReplicaState, StopOutcome, TargetRelease } from '../target.js';
import { describeEarlyExit } from './describe-early-exit.js';
import { isGroupAlive } from './is-group-alive.js';
import { createOutputTail, type OutputTail } from './output-tail.js';
import type { ReplicaRecords } from './replica-records.js';
import { type ProbeLoop, startProbeLoop } from './start-probe-loop.js';

export interface SuperviseReplicaOptions {
  id: string;
  release: TargetRelease;
  index: number;
  host: string;
  port: number;
  /** Env every replica starts from (PATH, HOME...); the service's env and secrets go on top. */
  baseEnv: Record<string, string>;
  onEvent(event: ReplicaEvent): void;
  onOutput?(replicaId: string, stream: 'stdout' | 'stderr', chunk: Buffer): void;
  now(): number;
  /** Where each process group is recorded while it runs, for a restarted server to reap (replica-records.ts). */
  records?: ReplicaRecords;
}

export interface SupervisedReplica {
  snapshot(): Replica;
  /** The service's default for stop(). */
  readonly stopTimeoutMs: number;
  stop(timeoutMs: number): Promise<StopOutcome>;
}

const STDERR_TAIL_LINES = 20;
const GONE_POLL_MS = 25;
/** After SIGKILL the kernel needs only a moment; this bounds a stop even if something is stuck. */
const AFTER_KILL_WAIT_MS = 5_000;

/**
 * Runs one replica as `bash -c start` leading its own process group, and keeps it running: a crash
 * restarts it with capped exponential backoff, a failing liveness probe restarts it, a readiness
 * probe moves it between starting/ready/unhealthy. A replica that exits before its first start was
 * ever ready is not restarted: that is a broken release (bad command, port taken), not a flake, and
 * restarting it forever would hide the message the user needs.
 */
export function superviseReplica(options: SuperviseReplicaOptions): SupervisedReplica {
  const { release, host, port } = options;
  const spec = release.service;
  const baseUrl = `http://${host}:${port}`;
  const replica: Replica = {
    id: options.id,
    service: spec.name,
    version: release.version,
    index: options.index,
    host,
    port,
    url: baseUrl,
    state: 'starting',
    restarts: 0,
    startedAtMs: options.now(),
  };
  // Every spawn bumps the generation; callbacks of an older process are ignored.
  let generation = 0;
  let child: ChildProcess | undefined;
  let tail: OutputTail = createOutputTail(STDERR_TAIL_LINES, []);
  let probes: ProbeLoop[] = [];
  let restartTimer: NodeJS.Timeout | undefined;
  let readyThisRun = false;
  let consecutiveCrashes = 0;
  let restartWhenExited = false;
  let stopping: Promise<StopOutcome> | undefined;

  const snapshot = (): Replica => ({ ...replica, ...(replica.failure ? { failure: { ...replica.failure } } : {}) });
  const emit = (type: ReplicaEventType, state: ReplicaState, detail?: string) => {
    replica.state = state;
    options.onEvent({ type, replica: snapshot(), timeMs: options.now(), ...(detail ? { detail } : {}) });
  };
  const stopProbes = () => {
    for (const probe of probes) probe.stop();
    probes = [];
  };

  function spawnProcess(): void {
    generation += 1;
    const gen = generation;
    readyThisRun = false;
    restartWhenExited = false;
    tail = createOutputTail(STDERR_TAIL_LINES, Object.values(spec.secrets));
    const proc = spawn('bash', ['-c', spec.start], {
      cwd: release.workdir,
      env: { ...options.baseEnv, ...spec.env, ...spec.secrets, HOST: host, PORT: String(port) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    replica.pid = proc.pid;
    if (proc.pid !== undefined) options.records?.write(replica.id, proc.pid);
    proc.stdout?.on('data', (chunk: Buffer) => options.onOutput?.(replica.id, 'stdout', chunk));
    proc.stderr?.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      options.onOutput?.(replica.id, 'stderr', chunk);
    });
    proc.on('error', (error) => {
      // Without a pid there will be no 'exit': report the spawn failure (bad cwd) as an exit.
      if (proc.pid === undefined) {
        tail.push(Buffer.from(`could not start: ${error.message}\n`));
        onExit(gen, null, null);
      }
    });
    proc.on('exit', (code, signal) => onExit(gen, code, signal));
    probes.push(startProbeLoop(baseUrl, spec.readiness, (result, streak) => onReadiness(gen, result.ok, streak)));
  }

  function onReadiness(gen: number, ok: boolean, streak: { successes: number; failures: number }): void {
    if (gen !== generation || stopping) return;
    if (ok && streak.successes >= spec.readiness.successThreshold && replica.state !== 'ready' && !restartWhenExited) {
      const first = !readyThisRun;
      readyThisRun = true;
      consecutiveCrashes = 0;
      replica.readyAtMs = options.now();
      emit('ready', 'ready');
      if (first && spec.liveness) {
        const liveness = spec.liveness;
        probes.push(
          startProbeLoop(baseUrl, liveness, (result, live) => {
            if (gen !== generation || stopping || restartWhenExited || result.ok) return;
            if (live.failures >= liveness.failureThreshold) restartUnhealthy(`liveness failed ${live.failures} times: ${result.reason}`);
          }),
        );
      }
    } else if (!ok && replica.state === 'ready' && streak.failures >= spec.readiness.failureThreshold) {
      emit('unhealthy', 'unhealthy', `readiness failed ${streak.failures} times`);
    }
  }

  function restartUnhealthy(detail: string): void {
    restartWhenExited = true;
    stopProbes();
    emit('unhealthy', 'unhealthy', detail);
    if (child) void terminateGroup(child, spec.stopTimeoutMs);
  }

  function onExit(gen: number, exitCode: number | null, exitSignal: NodeJS.Signals | null): void {
    if (gen !== generation) return;
    stopProbes();
    if (stopping) return;
    // Members the leader left behind would hold the port and block the restart.
    if (child?.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
    if (restartWhenExited) {
      restart();
      return;
    }
    if (!readyThisRun && replica.restarts === 0) {
      replica.failure = describeEarlyExit({
        replicaId: replica.id,
        start: spec.start,
        host,
        port,
        exitCode,
        exitSignal,
        stderrTail: tail.lines(),
      });
      emit('failed', 'failed', replica.failure.message);
      return;
    }
    consecutiveCrashes += 1;
    const delayMs = Math.min(spec.restartBackoffMs * 2 ** (consecutiveCrashes - 1), spec.restartBackoffMaxMs);
    emit('crashed', 'crashed', exitSignal === null ? `exit code ${exitCode}` : `killed by ${exitSignal}`);
    restartTimer = setTimeout(restart, delayMs);
  }

  function restart(): void {
    restartTimer = undefined;
    if (stopping) return;
    replica.restarts += 1;
    spawnProcess();
    emit('restarted', 'starting');
  }

  async function stop(timeoutMs: number): Promise<StopOutcome> {
    if (restartTimer) clearTimeout(restartTimer);
    stopProbes();
    replica.state = 'stopping';
    const forced = child ? await terminateGroup(child, timeoutMs) : false;
    options.records?.remove(replica.id);
    emit('stopped', 'stopped');
    return { forced };
  }

  /** SIGTERM to the group, SIGKILL after timeoutMs; true when the kill was needed. */
  async function terminateGroup(proc: ChildProcess, timeoutMs: number): Promise<boolean> {
    const pgid = proc.pid;
    if (pgid === undefined) return false;
    const gone = () => (proc.exitCode !== null || proc.signalCode !== null) && !isGroupAlive(pgid);
    if (!signalProcessGroup(pgid, 'SIGTERM') && gone()) return false;
    if (await pollUntil(gone, timeoutMs)) return false;
    signalProcessGroup(pgid, 'SIGKILL');
    await pollUntil(gone, AFTER_KILL_WAIT_MS);
    return true;
  }

  spawnProcess();
  return {
    snapshot,
    stopTimeoutMs: spec.stopTimeoutMs,
    stop(timeoutMs) {
      stopping ??= stop(timeoutMs);
      return stopping;
    },
  };
}

async function pollUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(GONE_POLL_MS);
  }
  return true;
}
