/** A deploy agent as placement sees it: what it already runs. */
export interface PlacementCandidate {
  agentId: string;
  /** Replicas (any service) the agent runs or is starting. */
  replicas: number;
  /** Of those, replicas of the service being placed. */
  replicasOfService: number;
}

/**
 * The agent a new replica goes to: the one with the fewest replicas of its service (spread, so losing
 * one agent loses as few of a service's replicas as possible), then the fewest replicas overall, then
 * by id so the choice is deterministic. Undefined when there is no candidate.
 */
export function placeReplica(candidates: readonly PlacementCandidate[]): string | undefined {
  let best: PlacementCandidate | undefined;
  for (const candidate of candidates) {
    if (
      !best ||
      candidate.replicasOfService < best.replicasOfService ||
      (candidate.replicasOfService === best.replicasOfService &&
        (candidate.replicas < best.replicas || (candidate.replicas === best.replicas && candidate.agentId < best.agentId)))
    ) {
      best = candidate;
    }
  }
  return best?.agentId;
}
