import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../../clock/clock.js';
import { AppError, ErrorCode } from '../../../errors/app-error.js';
import { waitForReplicaReady } from '../wait-for-ready.js';
import type { Replica, ReplicaEvent, ReplicaEventListener, StopOutcome, Target, TargetRelease } from '../target.js';
import { placeReplica } from './place-replica.js';
import type { ReplicaCommand, ReplicaReport, ReplicaReportBatch } from './replica-protocol.js';

export interface AgentTargetOptions {
  clock?: Clock;
  /**
   * An agent whose last report batch (it sends one every third of this at least) is older than this
   * is lost: its replicas restart on another deploy agent, or fail when none is online (so a rollout
   * in progress rolls back). Default 15 000 ms.
   */
  leaseMs?: number;
  /** Longest wait for an agent to start a replica, its release download included. Default 120 000 ms. */
  startTimeoutMs?: number;
  /**
   * How long a start waits for a deploy agent when none is online, e.g. while agents reconnect to a
   * restarted server whose recovery starts the stable releases again. Default 10 000 ms.
   */
  agentWaitMs?: number;
  /** Called for every replica event; must not throw. */
  onEvent?: ReplicaEventListener;
}

/** The server end of one deploy agent's command stream. */
export interface ReplicaCommandStream {
  /** False when the agent is gone. */
  send(command: ReplicaCommand): boolean;
  end(): void;
}

/** The Target, plus what the agent routes (api/agents/register-deploy-agent-routes.ts) drive it with. */
export interface AgentTarget extends Target {
  readonly leaseMs: number;
  /** Adds a listener of every replica event (the deploy controller's); returns its removal. */
  subscribe(listener: ReplicaEventListener): () => void;
  /** An agent registered with the deploy role (a new process: a new id). */
  registerAgent(agentId: string, name: string): void;
  /** Its command stream is open. Undefined when the agent is not known here (lost, or this server restarted): register again. */
  connectAgent(agentId: string, stream: ReplicaCommandStream): (() => void) | undefined;
  /** Applies a report batch in order. False when the agent is not known here: register again. */
  receiveReports(agentId: string, batch: ReplicaReportBatch): boolean;
  /** Agents with the deploy role whose command stream is open. */
  listAgents(): { id: string; name: string; connected: boolean; replicas: number }[];
}

interface PendingCommand {
  command: ReplicaCommand;
  sent: boolean;
  /** Applied synchronously, in report order, before the waiting call resumes. */
  onResult(report: Extract<ReplicaReport, { type: 'result' }>): void;
  fail(error: AppError): void;
}

interface DeployAgent {
  id: string;
  name: string;
  stream?: ReplicaCommandStream;
  lastSeenMs: number;
  pending: Map<string, PendingCommand>;
  /** Replicas it reported that this server does not place there: stopped once each. */
  orphansStopped: Set<string>;
}

interface PlacedReplica {
  agentId: string;
  /** As the server shows it: `restarts` counts those on earlier agents too. */
  replica: Replica;
  /** To start it again on another agent when its agent is lost. */
  release: TargetRelease & { digest: string };
  /** Restarts before it came to this agent, whose own count starts at 0. */
  restartOffset: number;
}

/** A start command that is out: the replica's id is taken, and it counts for placement. */
interface StartingReplica {
  agentId: string;
  release: TargetRelease & { digest: string };
  restartOffset: number;
}

/** Margin over a stop's own timeout for the agent to answer (SIGKILL wait and the report round trip). */
const stopAnswerMarginMs = 15_000;

/**
 * Replicas placed on agents registered with the deploy role (`slipway agent --roles deploy`), which
 * run them with their own local target. This server keeps what the agents last reported, so
 * listReplicas() stays a synchronous snapshot; agents that stop reporting for leaseMs are lost.
 */
export function createAgentTarget(options: AgentTargetOptions = {}): AgentTarget {
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 15_000;
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const agentWaitMs = options.agentWaitMs ?? 10_000;
  // Woken when a command stream opens: starts waiting for a deploy agent look again.
  const connectWaiters = new Set<() => void>();
  const agents = new Map<string, DeployAgent>();
  const replicas = new Map<string, PlacedReplica>();
  const starting = new Map<string, StartingReplica>();
  const listeners = new Set<ReplicaEventListener>();
  if (options.onEvent) listeners.add(options.onEvent);
  const waiters = new Set<ReplicaEventListener>();
  let closed = false;

  const copy = (replica: Replica): Replica => ({
    ...replica,
    ...(replica.failure ? { failure: { ...replica.failure, stderrTail: [...replica.failure.stderrTail] } } : {}),
  });

  const emit = (event: ReplicaEvent) => {
    for (const listener of [...listeners]) listener({ ...event, replica: copy(event.replica) });
    for (const waiter of [...waiters]) waiter({ ...event, replica: copy(event.replica) });
  };

  const forget = (id: string) => {
    const placed = replicas.get(id);
    if (!placed) return;
    replicas.delete(id);
    // A move in flight: its start's answer is ignored, and what it started is an orphan (see reconcile).
    if (starting.get(id)?.agentId !== placed.agentId) starting.delete(id);
    emit({ type: 'stopped', replica: { ...placed.replica, state: 'stopped' }, timeMs: clock.now() });
  };

  const find = (id: string): PlacedReplica => {
    const placed = replicas.get(id);
    if (!placed) throw new AppError(ErrorCode.notFound, `no replica ${id} on the agent target; listReplicas() shows the running ones`);
    return placed;
  };

  const command = (agent: DeployAgent, cmd: ReplicaCommand, timeoutMs: number, onResult: PendingCommand['onResult'] = () => {}) =>
    new Promise<Extract<ReplicaReport, { type: 'result' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        agent.pending.delete(cmd.commandId);
        const what = cmd.type === 'start' ? `start replica ${cmd.release.service.name}-${cmd.release.version}-${cmd.index}` : `stop replica ${cmd.replicaId}`;
        reject(new AppError(ErrorCode.unavailable, `deploy agent ${agent.name} did not ${what} within ${timeoutMs} ms; check that agent's output`));
      }, timeoutMs);
      const pending: PendingCommand = {
        command: cmd,
        sent: false,
        onResult: (report) => {
          clearTimeout(timer);
          agent.pending.delete(cmd.commandId);
          onResult(report);
          resolve(report);
        },
        fail: (error) => {
          clearTimeout(timer);
          agent.pending.delete(cmd.commandId);
          reject(error);
        },
      };
      agent.pending.set(cmd.commandId, pending);
      // A disconnected agent gets it when its stream is back (connectAgent), or the agent is lost.
      if (agent.stream) pending.sent = agent.stream.send(cmd);
    });

  const lose = (agent: DeployAgent, reason: string) => {
    agents.delete(agent.id);
    agent.stream?.end();
    const error = new AppError(ErrorCode.unavailable, `deploy agent ${agent.name} was lost: ${reason}`);
    for (const pending of [...agent.pending.values()]) pending.fail(error);
    for (const placed of [...replicas.values()]) {
      // Failed ones stay failed; stopping ones are forgotten by their stopReplica (its command just failed).
      if (placed.agentId !== agent.id || placed.replica.state === 'failed' || placed.replica.state === 'stopping') continue;
      void move(placed, `replica ${placed.replica.id} is gone with deploy agent ${agent.name}, which was lost: ${reason}`);
    }
  };

  const markFailed = (placed: PlacedReplica, message: string) => {
    placed.replica = { ...placed.replica, state: 'failed', failure: { exitCode: null, exitSignal: null, stderrTail: [], message } };
    emit({ type: 'failed', replica: placed.replica, timeMs: clock.now(), detail: message });
  };

  /** Online agents as placement sees them, starts in flight included. */
  const candidates = (service: string) =>
    [...agents.values()]
      .filter((agent) => agent.stream !== undefined)
      .map((agent) => {
        const mine = [...replicas.values()].filter((placed) => placed.agentId === agent.id).map((placed) => placed.replica.service);
        const pending = [...starting.values()].filter((start) => start.agentId === agent.id).map((start) => start.release.service.name);
        const all = [...mine, ...pending];
        return { agentId: agent.id, replicas: all.length, replicasOfService: all.filter((name) => name === service).length };
      });

  /**
   * A lost agent is a crash of everything on it: like the local target restarting a crashed process,
   * its replicas start again on another deploy agent ('crashed', then 'restarted' with the new host
   * and port). With no other agent online, or when that start fails, the replica fails.
   */
  const move = async (placed: PlacedReplica, reason: string): Promise<void> => {
    const id = placed.replica.id;
    const agentId = closed ? undefined : placeReplica(candidates(placed.replica.service));
    const agent = agentId === undefined ? undefined : agents.get(agentId);
    if (!agent) {
      markFailed(placed, `${reason}; no other deploy agent is online to restart it on`);
      return;
    }
    placed.replica = { ...placed.replica, state: 'crashed' };
    emit({ type: 'crashed', replica: placed.replica, timeMs: clock.now(), detail: reason });
    const restartOffset = placed.replica.restarts + 1;
    const start: StartingReplica = { agentId: agent.id, release: placed.release, restartOffset };
    starting.set(id, start);
    try {
      const result = await command(agent, startCommand(placed.release, placed.replica.index), startTimeoutMs, (report) => {
        // Stopped meanwhile (stopReplica forgot it): what the agent started is an orphan its next report gets stopped.
        if (starting.get(id) !== start || !report.replica || report.error) return;
        const moved: PlacedReplica = { agentId: agent.id, replica: withOffset(report.replica, restartOffset), release: placed.release, restartOffset };
        replicas.set(id, moved);
        emit({ type: 'restarted', replica: moved.replica, timeMs: clock.now(), detail: `on deploy agent ${agent.name}` });
      });
      if (result.error) throw new Error(result.error.message);
    } catch (error) {
      const current = replicas.get(id);
      if (current && starting.get(id) === start) markFailed(current, `${reason}; restarting it on deploy agent ${agent.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (starting.get(id) === start) starting.delete(id);
    }
  };

  const checkLeases = () => {
    const now = clock.now();
    for (const agent of [...agents.values()]) {
      const silentMs = now - agent.lastSeenMs;
      if (silentMs > leaseMs) lose(agent, `no report for ${silentMs} ms (lease ${leaseMs} ms); restart it or check its network`);
    }
  };
  const leaseTimer = setInterval(checkLeases, Math.max(50, Math.min(1_000, Math.floor(leaseMs / 4))));
  leaseTimer.unref();

  const applyEvent = (agent: DeployAgent, event: ReplicaEvent) => {
    const id = event.replica.id;
    const placed = replicas.get(id);
    const start = starting.get(id);
    // The agent it is starting on first (a move), else the one it runs on. Anything else was not
    // placed there by this server (a restarted server, a timed-out start): the snapshot stops it.
    const owner = start?.agentId === agent.id ? start : placed?.agentId === agent.id ? placed : undefined;
    if (!owner) return;
    const replica = withOffset(event.replica, owner.restartOffset);
    if (event.type === 'stopped') replicas.delete(id);
    else replicas.set(id, { agentId: agent.id, replica, release: owner.release, restartOffset: owner.restartOffset });
    emit({ ...event, replica });
  };

  const reconcile = (agent: DeployAgent, reported: readonly Replica[]) => {
    for (const replica of reported) {
      const placed = replicas.get(replica.id);
      if (starting.get(replica.id)?.agentId === agent.id) continue;
      if (placed?.agentId === agent.id) {
        placed.replica = withOffset(replica, placed.restartOffset);
      } else if (!agent.orphansStopped.has(replica.id)) {
        agent.orphansStopped.add(replica.id);
        void command(agent, { type: 'stop', commandId: randomUUID(), replicaId: replica.id }, stopAnswerMarginMs * 4).catch(() => {});
      }
    }
  };

  const target: AgentTarget = {
    kind: 'agents',
    leaseMs,

    async startReplica(release: TargetRelease, index: number): Promise<Replica> {
      if (closed) throw new AppError(ErrorCode.failedPrecondition, 'the agent target is closed');
      const id = `${release.service.name}-${release.version}-${index}`;
      if (replicas.has(id) || starting.has(id)) throw new AppError(ErrorCode.alreadyExists, `replica ${id} is already running; stop it first`);
      if (release.digest === undefined) {
        throw new AppError(ErrorCode.invalidArgument, `release ${release.version} of ${release.service.name} has no archive digest: agents fetch release files by digest (TargetRelease.digest)`);
      }
      if (![...agents.values()].some((agent) => agent.stream !== undefined) && agentWaitMs > 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            connectWaiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, agentWaitMs);
          connectWaiters.add(done);
        });
        if (closed) throw new AppError(ErrorCode.failedPrecondition, 'the agent target is closed');
        if (replicas.has(id) || starting.has(id)) throw new AppError(ErrorCode.alreadyExists, `replica ${id} is already running; stop it first`);
      }
      const agentId = placeReplica(candidates(release.service.name));
      const agent = agentId === undefined ? undefined : agents.get(agentId);
      if (!agent) {
        throw new AppError(ErrorCode.unavailable, 'no agent with the deploy role is online: start one with `slipway agent --roles deploy`');
      }
      const placedRelease = { ...release, digest: release.digest };
      starting.set(id, { agentId: agent.id, release: placedRelease, restartOffset: 0 });
      try {
        const result = await command(agent, startCommand(placedRelease, index), startTimeoutMs, (report) => {
          if (report.replica && !report.error && !replicas.has(id)) {
            replicas.set(id, { agentId: agent.id, replica: report.replica, release: placedRelease, restartOffset: 0 });
          }
        });
        if (result.error) {
          const code = (Object.values(ErrorCode) as string[]).includes(result.error.code) ? (result.error.code as ErrorCode) : ErrorCode.internal;
          throw new AppError(code, `deploy agent ${agent.name}: ${result.error.message}`);
        }
        const placed = replicas.get(id);
        if (!placed) throw new AppError(ErrorCode.internal, `deploy agent ${agent.name} answered the start of ${id} without the replica`);
        return copy(placed.replica);
      } finally {
        starting.delete(id);
      }
    },

    waitForReady(id, { timeoutMs }) {
      return waitForReplicaReady({ id, current: copy(find(id).replica), waiters, stateOf: () => replicas.get(id)?.replica.state, timeoutMs });
    },

    async stopReplica(id, stopOptions = {}): Promise<StopOutcome> {
      const placed = find(id);
      const agent = agents.get(placed.agentId);
      // Its agent was lost: whatever ran there is no longer ours to stop.
      if (!agent) {
        forget(id);
        return { forced: false };
      }
      const timeoutMs = stopOptions.timeoutMs ?? placed.release.service.stopTimeoutMs;
      placed.replica = { ...placed.replica, state: 'stopping' };
      try {
        const result = await command(agent, { type: 'stop', commandId: randomUUID(), replicaId: id, timeoutMs }, timeoutMs + stopAnswerMarginMs);
        // not_found: the agent no longer runs it (it failed to fetch its files, or it restarted).
        if (result.error && result.error.code !== ErrorCode.notFound) throw new AppError(ErrorCode.internal, `deploy agent ${agent.name}: ${result.error.message}`);
        forget(id);
        return result.outcome ?? { forced: false };
      } catch (error) {
        if (!agents.has(agent.id)) {
          forget(id);
          return { forced: false };
        }
        throw error;
      }
    },

    listReplicas() {
      return [...replicas.values()].map((placed) => copy(placed.replica)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },

    async close() {
      closed = true;
      for (const wake of [...connectWaiters]) wake();
      await Promise.all([...replicas.keys()].map((id) => target.stopReplica(id).catch(() => forget(id))));
      clearInterval(leaseTimer);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    registerAgent(agentId, name) {
      agents.set(agentId, { id: agentId, name, lastSeenMs: clock.now(), pending: new Map(), orphansStopped: new Set() });
    },

    connectAgent(agentId, stream) {
      const agent = agents.get(agentId);
      if (!agent) return undefined;
      if (agent.stream && agent.stream !== stream) agent.stream.end();
      agent.stream = stream;
      agent.lastSeenMs = clock.now();
      for (const pending of agent.pending.values()) {
        if (!pending.sent) pending.sent = stream.send(pending.command);
      }
      for (const wake of [...connectWaiters]) wake();
      return () => {
        if (agent.stream === stream) delete agent.stream;
      };
    },

    receiveReports(agentId, batch) {
      const agent = agents.get(agentId);
      if (!agent) return false;
      agent.lastSeenMs = clock.now();
      for (const report of batch.reports) {
        if (report.type === 'event') applyEvent(agent, report.event);
        else agent.pending.get(report.commandId)?.onResult(report);
      }
      reconcile(agent, batch.replicas);
      return true;
    },

    listAgents() {
      return [...agents.values()].map((agent) => ({
        id: agent.id,
        name: agent.name,
        connected: agent.stream !== undefined,
        replicas: [...replicas.values()].filter((placed) => placed.agentId === agent.id).length,
      }));
    },
  };
  return target;
}

function startCommand(release: TargetRelease & { digest: string }, index: number): ReplicaCommand {
  return { type: 'start', commandId: randomUUID(), release: { version: release.version, service: release.service, digest: release.digest }, index };
}

/** An agent counts restarts from 0; the server adds those on earlier agents. */
function withOffset(replica: Replica, restartOffset: number): Replica {
  return restartOffset === 0 ? replica : { ...replica, restarts: replica.restarts + restartOffset };
}
