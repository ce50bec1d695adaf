import type { FastifyBaseLogger } from 'fastify';
import { type RunAgentOptions, runAgent } from '../agent/index.js';
import type { Clock } from '../clock/clock.js';
import type { LocalAgentsConfig } from '../config/index.js';
import type { Db } from '../store/index.js';
import { decideAgentScale, type ScaledAgent } from './decide-agent-scale.js';

/** How often the local agents are rescaled. */
export const defaultAutoscaleIntervalMs = 1_000;

export interface AutoscaleLocalAgentsDeps {
  db: Pick<Db, 'query'>;
  clock: Clock;
  scaling: LocalAgentsConfig;
  /** What every agent gets; each is named `<name>-<n>` and runs jobsPerAgent jobs at once. */
  agent: Pick<RunAgentOptions, 'serverUrl' | 'token' | 'labels' | 'workDir'> & { name: string };
  logger: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Default 1 s. */
  intervalMs?: number;
  /** Runs one agent until its signal is aborted. Default runAgent (tests pass a fake). */
  runAgent?: (options: RunAgentOptions) => Promise<void>;
}

export interface LocalAgentPool {
  /** Names of the agents running now. */
  agentNames(): string[];
  /** One rescaling pass now (passes never overlap). */
  rescale(): Promise<void>;
  /** Stops the timer, then every agent (their running jobs are canceled and reported). Idempotent. */
  stop(): Promise<void>;
}

interface LocalAgent {
  name: string;
  abort: AbortController;
  idleSinceMs?: number;
}

/**
 * Keeps between scaling.min and scaling.max in-process agents: min at once, then every intervalMs one
 * query counts the queued jobs these agents could take (runs_on among their labels) and the jobs each
 * of them runs, and decideAgentScale says how many to start and which idle ones to stop.
 */
export function autoscaleLocalAgents(deps: AutoscaleLocalAgentsDeps): LocalAgentPool {
  const run = deps.runAgent ?? runAgent;
  const agents = new Map<string, LocalAgent>();
  const alive = new Set<Promise<void>>();
  let counter = 0;
  let stopped = false;

  const startOne = () => {
    counter += 1;
    const name = `${deps.agent.name}-${counter}`;
    const agent: LocalAgent = { name, abort: new AbortController(), idleSinceMs: deps.clock.now() };
    agents.set(name, agent);
    const done = run({
      ...deps.agent,
      name,
      capacity: deps.scaling.jobsPerAgent,
      signal: agent.abort.signal,
      clock: deps.clock,
      onNotice: (message) => deps.logger.info({ agent: name }, message),
    })
      .catch((error: unknown) => deps.logger.error({ err: error, agent: name }, 'a local agent stopped'))
      .finally(() => {
        if (agents.get(name) === agent) agents.delete(name);
        alive.delete(done);
      });
    alive.add(done);
    deps.logger.info({ agent: name, agents: agents.size }, 'local agent started');
  };

  const pass = async () => {
    const { rows } = await deps.db.query<{ status: string; agentName: string | null; jobs: number }>(
      `SELECT j.status, a.name AS "agentName", count(*)::int AS jobs
       FROM jobs j LEFT JOIN agents a ON a.id = j.lease_owner
       WHERE j.status = 'running' OR (j.status = 'queued' AND j.runs_on <@ $1::text[])
       GROUP BY j.status, a.name`,
      [deps.agent.labels],
    );
    if (stopped) return;
    const now = deps.clock.now();
    let work = 0;
    const busy = new Map<string, number>();
    for (const row of rows) {
      const jobs = Number(row.jobs);
      if (row.status === 'queued') work += jobs;
      else if (row.agentName !== null && agents.has(row.agentName)) {
        work += jobs;
        busy.set(row.agentName, (busy.get(row.agentName) ?? 0) + jobs);
      }
    }
    const seen: ScaledAgent[] = [];
    for (const agent of agents.values()) {
      const busyJobs = busy.get(agent.name) ?? 0;
      if (busyJobs > 0) delete agent.idleSinceMs;
      else agent.idleSinceMs ??= now;
      seen.push(agent.idleSinceMs === undefined ? { id: agent.name, busyJobs } : { id: agent.name, busyJobs, idleSinceMs: agent.idleSinceMs });
    }
    const decision = decideAgentScale({ queuedJobs: work, agents: seen, ...deps.scaling, nowMs: now });
    for (const name of decision.stop) {
      const agent = agents.get(name);
      if (!agent) continue;
      agents.delete(name);
      agent.abort.abort();
      deps.logger.info({ agent: name, agents: agents.size }, 'idle local agent stopped');
    }
    for (let i = 0; i < decision.start; i += 1) startOne();
  };

  let current: Promise<void> = Promise.resolve();
  const rescale = () => {
    current = current.then(() =>
      stopped ? undefined : pass().catch((error: unknown) => deps.logger.warn({ err: error }, 'the local agents were not rescaled')),
    );
    return current;
  };

  for (let i = 0; i < deps.scaling.min; i += 1) startOne();
  const timer = setInterval(() => void rescale(), deps.intervalMs ?? defaultAutoscaleIntervalMs);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    agentNames: () => [...agents.keys()],
    rescale,
    stop: () => {
      closing ??= (async () => {
        stopped = true;
        clearInterval(timer);
        await current;
        for (const agent of agents.values()) agent.abort.abort();
        agents.clear();
        await Promise.all([...alive]);
      })();
      return closing;
    },
  };
}
