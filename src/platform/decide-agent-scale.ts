/** One local agent as the autoscaler sees it. */
export interface ScaledAgent {
  id: string;
  /** Jobs it runs right now. */
  busyJobs: number;
  /** Since when (ms since the epoch) it has run nothing; undefined while busy. */
  idleSinceMs?: number;
}

export interface AgentScaleInput {
  /** Jobs waiting for an agent plus jobs running (the work the agents should cover). */
  queuedJobs: number;
  agents: readonly ScaledAgent[];
  /** Agents kept even when there is no work; at least 0. */
  min: number;
  /** Agents never exceeded; at least max(min, 1). */
  max: number;
  /** Jobs one agent runs at once (its capacity); at least 1. */
  jobsPerAgent: number;
  /** An idle agent is stopped only once it has been idle this long (ms). */
  idleGraceMs: number;
  nowMs: number;
}

export interface AgentScaleDecision {
  /** Agents to start now. */
  start: number;
  /** Ids of the agents to stop now (all idle for at least idleGraceMs). */
  stop: string[];
}

/**
 * desired = clamp(ceil(queuedJobs / jobsPerAgent), min, max). Scales up at once; scales down only
 * agents idle for at least idleGraceMs (the longest idle first), never a busy one, never below min.
 */
export function decideAgentScale(input: AgentScaleInput): AgentScaleDecision {
  const { min, max, jobsPerAgent, agents } = input;
  if (!Number.isInteger(min) || min < 0) throw new RangeError(`min must be an integer ≥ 0, got ${min}`);
  if (!Number.isInteger(max) || max < Math.max(min, 1)) throw new RangeError(`max must be an integer ≥ max(min, 1), got ${max}`);
  if (!Number.isInteger(jobsPerAgent) || jobsPerAgent < 1) throw new RangeError(`jobsPerAgent must be an integer ≥ 1, got ${jobsPerAgent}`);
  const wanted = Math.ceil(Math.max(0, input.queuedJobs) / jobsPerAgent);
  const desired = Math.min(max, Math.max(min, wanted));
  const current = agents.length;
  if (desired > current) return { start: desired - current, stop: [] };
  if (desired === current) return { start: 0, stop: [] };
  const stoppable = agents
    .filter((agent) => agent.busyJobs <= 0 && agent.idleSinceMs !== undefined && input.nowMs - agent.idleSinceMs >= input.idleGraceMs)
    .sort((a, b) => (a.idleSinceMs ?? 0) - (b.idleSinceMs ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { start: 0, stop: stoppable.slice(0, current - desired).map((agent) => agent.id) };
}
