import type { FastifyBaseLogger } from 'fastify';
import { recordFinishedRun } from './record-finished-run.js';
import type { Clock } from '../../clock/clock.js';
import { finishLog } from '../../logs/index.js';
import {
  advanceGates,
  claimJob,
  type HandedOffJob,
  type JobPlacement,
  reportJobResult,
  repairStalledRuns,
  requeueExpiredLeases,
} from '../../scheduler/index.js';
import type { PlannedJob } from '../../pipeline/model.js';
import { resolveSecretsForJob, type SecretCrypto } from '../../secrets/index.js';
import type { Metrics } from '../../metrics/index.js';
import { type Db, isTerminalJobStatus } from '../../store/index.js';
import type { JobAssignment } from './job-assignment.js';

export interface ConnectedAgent {
  id: string;
  labels: readonly string[];
  capacity: number;
  /** Writes the assignment to the agent's stream; false when the stream is gone. */
  send(assignment: JobAssignment): boolean;
  /** Tells the agent to stop running the job (its run was canceled); false when the stream is gone. */
  cancel?(jobId: number): boolean;
  /** Jobs the agent says it is running: they hold its slots (a restarted server knows of none). */
  runningJobIds?: readonly number[];
}

export interface Dispatcher {
  /** The agent's stream is open: it gets jobs up to its capacity. Returns the disconnect function. */
  connect(agent: ConnectedAgent): () => void;
  /** A registration is a new agent process: whatever the old one held is no longer running there. */
  forgetAgent(agentId: string): void;
  /** The agent is done with the job (reported, or told it is stale): its slot is free again. */
  release(jobId: number): void;
  /** Something may have become claimable (enqueue, report, connect): claim at once, not at the next tick. */
  wake(): void;
  /**
   * For a run about to be enqueued: an idle agent (a free slot, and nothing claimable for it at the
   * last pass) for each of the given jobs it can take, its slot held. Enqueue with `leases` as the
   * hand-off, then deliver() after the commit — the jobs go out without a claim round trip — or
   * cancel() if the enqueue failed. Undefined when no job can be handed off.
   */
  reserveHandOff(jobs: ReadonlyArray<{ key: string; runsOn: readonly string[] }>): HandOffReservation | undefined;
  /**
   * Pushes a cancel for the job to its agent when that agent's stream is open on this server. False
   * otherwise: the agent learns it from its next heartbeat instead.
   */
  cancelJob(jobId: number, agentId: string): boolean;
  close(): Promise<void>;
}

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Lease given with each claim. Default 15 000 ms. */
  leaseMs?: number;
  /** Safety tick: takes back expired leases and claims what a lost wake-up missed. Default 1000 ms. */
  tickMs?: number;
  /** Decrypts the secrets assigned with each job; without it jobs get none. */
  secretCrypto?: SecretCrypto;
  /** Queue wait of each claim, and the connected agents and busy slots at scrape time. */
  metrics?: Metrics;
}

export const defaultLeaseMs = 15_000;

export interface HandOffReservation {
  /** Job key → agent and lease: the enqueue's handOff. */
  leases: ReadonlyMap<string, { agentId: string; leaseMs: number }>;
  /** Sends the jobs the enqueue handed off (after its commit) and frees every held slot. */
  deliver(handedOff: readonly HandedOffJob[], placement: Omit<JobPlacement, 'logLength'> & { runId: number }): Promise<void>;
  /** Frees the held slots (the enqueue failed). */
  cancel(): void;
}

/** A job leased to an agent, with what its assignment needs. */
interface LeasedJob {
  jobId: number;
  runId: number;
  plan: PlannedJob;
  fencingToken: number;
  attempt: number;
  placement: JobPlacement;
}

/**
 * Pushes claimable jobs to connected agents with free slots. Claims go through the scheduler (the
 * store is the only shared state), so several server replicas may dispatch at once. wake() runs a
 * dispatch pass right away; passes never overlap — a wake during a pass makes it run once more.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const tickMs = options.tickMs ?? 1000;
  const agents = new Map<string, ConnectedAgent>();
  // Kept across stream reconnects: the agent process still runs these jobs.
  const runningByAgent = new Map<string, Set<number>>();
  const agentByJob = new Map<number, string>();
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const slotsOf = (agentId: string): Set<number> => {
    let set = runningByAgent.get(agentId);
    if (!set) {
      set = new Set();
      runningByAgent.set(agentId, set);
    }
    return set;
  };

  // Slots held for jobs being handed off (reserveHandOff) until they are delivered or canceled.
  const reserved = new Map<string, number>();
  const busySlots = (agentId: string): number => slotsOf(agentId).size + (reserved.get(agentId) ?? 0);
  // Agents whose last claim found nothing since the last wake(): with a free slot they are idle, and a
  // new run's job may go straight to them (reserveHandOff) without jumping ahead of queued work.
  const drained = new Set<string>();

  /** Sends a job leased to the agent (claimed, or handed off at enqueue), or fails it when its secrets cannot be decrypted. */
  const assign = async (agent: ConnectedAgent, job: LeasedJob): Promise<void> => {
    const assignment: JobAssignment = {
      jobId: job.jobId,
      fencingToken: job.fencingToken,
      leaseMs,
      logOffset: job.placement.logLength,
      job: job.plan,
      runId: job.runId,
    };
    if (job.placement.repoUrl) assignment.repoUrl = job.placement.repoUrl;
    if (job.placement.commitSha) assignment.commitSha = job.placement.commitSha;
    if (options.secretCrypto && job.placement.hasSecrets) {
      // Decrypted only here, into the assignment. A job whose secrets cannot be decrypted fails
      // (not retried: the key or the stored value must be fixed) rather than running without them.
      try {
        const secrets = await resolveSecretsForJob(options.db, options.secretCrypto, {
          projectId: job.placement.projectId,
          environment: job.plan.environment ?? null,
        });
        if (secrets.size > 0) assignment.secrets = Object.fromEntries(secrets);
      } catch (error) {
        const message = `the job's secrets could not be decrypted: ${error instanceof Error ? error.message : String(error)}`;
        options.logger.error({ jobId: job.jobId, runId: job.runId, err: error }, 'failing a job whose secrets cannot be decrypted');
        const outcome = await reportJobResult(options.db, options.clock, {
          jobId: job.jobId,
          fencingToken: job.fencingToken,
          result: { status: 'failed', failure: { kind: 'infra', retryable: false, message }, steps: [] },
        });
        if (outcome.accepted && isTerminalJobStatus(outcome.status)) {
          await finishLog(options.db, job.jobId);
          options.metrics?.jobFinished(outcome.status);
          if (outcome.runStatus) await recordFinishedRun(options.metrics, options.db, outcome.runId, outcome.runStatus);
        }
        return;
      }
    }
    slotsOf(agent.id).add(job.jobId);
    agentByJob.set(job.jobId, agent.id);
    // A failed write leaves the job leased to a gone agent: the lease expires and the job is requeued.
    if (!agent.send(assignment)) options.logger.warn({ jobId: job.jobId, runId: job.runId, agentId: agent.id }, 'agent stream gone after claim');
    else options.logger.debug({ jobId: job.jobId, runId: job.runId, agentId: agent.id, attempt: job.attempt }, 'job assigned');
  };

  const claimFor = async (agent: ConnectedAgent): Promise<boolean> => {
    const claimed = await claimJob(options.db, options.clock, { agentId: agent.id, labels: agent.labels, leaseMs });
    if (!claimed) {
      drained.add(agent.id);
      return false;
    }
    drained.delete(agent.id);
    const { job, placement } = claimed;
    options.metrics?.jobClaimed(((job.startedAt?.getTime() ?? options.clock.now()) - job.readyAt.getTime()) / 1000);
    await assign(agent, { jobId: job.id, runId: job.runId, plan: job.plan, fencingToken: claimed.fencingToken, attempt: job.attempt, placement });
    return true;
  };

  const reserveHandOff = (jobs: ReadonlyArray<{ key: string; runsOn: readonly string[] }>): HandOffReservation | undefined => {
    // Only between passes: during one, queued work may be on its way to these very slots.
    if (closed || running) return undefined;
    const leases = new Map<string, { agentId: string; leaseMs: number }>();
    const holds = new Map<string, number>();
    for (const job of jobs) {
      for (const agent of agents.values()) {
        if (!drained.has(agent.id) || busySlots(agent.id) >= agent.capacity) continue;
        if (!job.runsOn.every((label) => agent.labels.includes(label))) continue;
        leases.set(job.key, { agentId: agent.id, leaseMs });
        holds.set(agent.id, (holds.get(agent.id) ?? 0) + 1);
        reserved.set(agent.id, (reserved.get(agent.id) ?? 0) + 1);
        break;
      }
    }
    if (leases.size === 0) return undefined;
    let settled = false;
    const unhold = () => {
      if (settled) return;
      settled = true;
      for (const [agentId, count] of holds) {
        const left = (reserved.get(agentId) ?? 0) - count;
        if (left > 0) reserved.set(agentId, left);
        else reserved.delete(agentId);
      }
    };
    return {
      leases,
      deliver: async (handedOff, placement) => {
        unhold();
        for (const job of handedOff) {
          options.metrics?.jobClaimed(0);
          const agent = agents.get(job.agentId);
          const leased = { ...job, runId: placement.runId, attempt: 1, placement: { ...placement, logLength: 0 } };
          if (agent) await assign(agent, leased);
          else options.logger.warn({ jobId: job.jobId, runId: placement.runId, agentId: job.agentId }, 'agent gone before a handed-off job was sent');
        }
      },
      cancel: unhold,
    };
  };

  const pass = async (): Promise<void> => {
    let progressed = true;
    while (progressed && !closed) {
      progressed = false;
      for (const agent of agents.values()) {
        if (busySlots(agent.id) >= agent.capacity) continue;
        if (await claimFor(agent)) progressed = true;
      }
    }
  };

  const wake = (): void => {
    if (closed) return;
    // Something may have become claimable: no agent counts as idle until a pass has looked again.
    drained.clear();
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          options.logger.error({ err: error }, 'dispatch pass failed');
        }
      } while (again && !closed);
      running = undefined;
    })();
  };

  const tick = async (): Promise<void> => {
    try {
      // The old holder keeps its slot until it reports: its next heartbeat is refused and it stops.
      // No backoff for a lost lease: waiting for it to expire already spaced the attempts by at least
      // two thirds of a lease, and the job is claimable at this tick's wake() rather than a later tick
      // (bench/requeue-after-agent-kill.mjs, lease 3 s: excess over the lease 1.0–1.8 s with the 1 s backoff).
      await requeueExpiredLeases(options.db, options.clock, { retry: { backoffBaseMs: 0 } });
    } catch (error) {
      options.logger.debug({ err: error }, 'requeueing expired leases failed');
    }
    try {
      // Reports follow up on a run after their commit; a server that died in between left it here.
      await repairStalledRuns(options.db, options.clock);
    } catch (error) {
      options.logger.debug({ err: error }, 'repairing stalled runs failed');
    }
    try {
      // Jobs held at environment gates: a wait timer runs out, a gate times out, a decision came in.
      await advanceGates(options.db, options.clock);
    } catch (error) {
      options.logger.debug({ err: error }, 'advancing gates failed');
    }
    wake();
  };
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick().finally(() => {
      ticking = false;
    });
  }, tickMs);
  timer.unref();
  const unwatchAgents = options.metrics?.watchAgents(() => {
    let slots = 0;
    for (const agent of agents.values()) slots += agent.capacity;
    return { connected: agents.size, slots, busySlots: agentByJob.size };
  });

  function release(jobId: number): void {
    const agentId = agentByJob.get(jobId);
    if (agentId === undefined) return;
    agentByJob.delete(jobId);
    runningByAgent.get(agentId)?.delete(jobId);
  }

  return {
    connect: (agent) => {
      for (const jobId of agent.runningJobIds ?? []) {
        slotsOf(agent.id).add(jobId);
        agentByJob.set(jobId, agent.id);
      }
      agents.set(agent.id, agent);
      wake();
      return () => {
        if (agents.get(agent.id) === agent) agents.delete(agent.id);
      };
    },
    forgetAgent: (agentId) => {
      for (const jobId of runningByAgent.get(agentId) ?? []) agentByJob.delete(jobId);
      runningByAgent.delete(agentId);
    },
    release: (jobId) => {
      release(jobId);
      wake();
    },
    wake,
    reserveHandOff,
    cancelJob: (jobId, agentId) => agents.get(agentId)?.cancel?.(jobId) ?? false,
    close: async () => {
      closed = true;
      clearInterval(timer);
      unwatchAgents?.();
      await running;
    },
  };
}
