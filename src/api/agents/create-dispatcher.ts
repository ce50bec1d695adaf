import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock/clock.js';
import { finishLog } from '../../logs/index.js';
import { advanceGates, claimJob, reportJobResult, repairStalledRuns, requeueExpiredLeases } from '../../scheduler/index.js';
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

  const claimFor = async (agent: ConnectedAgent): Promise<boolean> => {
    const claimed = await claimJob(options.db, options.clock, { agentId: agent.id, labels: agent.labels, leaseMs });
    if (!claimed) return false;
    const { job, placement } = claimed;
    options.metrics?.jobClaimed(((job.startedAt?.getTime() ?? options.clock.now()) - job.readyAt.getTime()) / 1000);
    const assignment: JobAssignment = {
      jobId: claimed.job.id,
      fencingToken: claimed.fencingToken,
      leaseMs,
      logOffset: placement.logLength,
      job: claimed.job.plan,
      runId: claimed.job.runId,
    };
    if (placement.repoUrl) assignment.repoUrl = placement.repoUrl;
    if (placement.commitSha) assignment.commitSha = placement.commitSha;
    if (options.secretCrypto && placement.hasSecrets) {
      // Decrypted only here, into the assignment. A job whose secrets cannot be decrypted fails
      // (not retried: the key or the stored value must be fixed) rather than running without them.
      try {
        const secrets = await resolveSecretsForJob(options.db, options.secretCrypto, {
          projectId: placement.projectId,
          environment: claimed.job.plan.environment ?? null,
        });
        if (secrets.size > 0) assignment.secrets = Object.fromEntries(secrets);
      } catch (error) {
        const message = `the job's secrets could not be decrypted: ${error instanceof Error ? error.message : String(error)}`;
        options.logger.error({ jobId: job.id, runId: job.runId, err: error }, 'failing a job whose secrets cannot be decrypted');
        const outcome = await reportJobResult(options.db, options.clock, {
          jobId: claimed.job.id,
          fencingToken: claimed.fencingToken,
          result: { status: 'failed', failure: { kind: 'infra', retryable: false, message }, steps: [] },
        });
        if (outcome.accepted && isTerminalJobStatus(outcome.status)) {
          await finishLog(options.db, claimed.job.id);
          options.metrics?.jobFinished(outcome.status);
          if (outcome.runStatus) options.metrics?.runFinished(outcome.runStatus);
        }
        return true;
      }
    }
    slotsOf(agent.id).add(claimed.job.id);
    agentByJob.set(claimed.job.id, agent.id);
    // A failed write leaves the job leased to a gone agent: the lease expires and the job is requeued.
    if (!agent.send(assignment)) options.logger.warn({ jobId: job.id, runId: job.runId, agentId: agent.id }, 'agent stream gone after claim');
    else options.logger.debug({ jobId: job.id, runId: job.runId, agentId: agent.id, attempt: job.attempt }, 'job assigned');
    return true;
  };

  const pass = async (): Promise<void> => {
    let progressed = true;
    while (progressed && !closed) {
      progressed = false;
      for (const agent of agents.values()) {
        if (slotsOf(agent.id).size >= agent.capacity) continue;
        if (await claimFor(agent)) progressed = true;
      }
    }
  };

  const wake = (): void => {
    if (closed) return;
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
    cancelJob: (jobId, agentId) => agents.get(agentId)?.cancel?.(jobId) ?? false,
    close: async () => {
      closed = true;
      clearInterval(timer);
      unwatchAgents?.();
      await running;
    },
  };
}
