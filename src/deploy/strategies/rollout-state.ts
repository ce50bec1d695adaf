/** What a strategy planner sees: the observed state of one rollout and its recorded history. */
import type { RouterWeights } from '../router/router.js';

/** One replica as the target reports it. */
export interface ReplicaView {
  id: string;
  version: string;
  /** Its readiness probe passes (the target's state 'ready'). */
  ready: boolean;
  /** The target gave up on it (exited before it was ever ready): it will never be ready. */
  failed?: boolean;
  /** ms since the Unix epoch; the progress deadline counts from here. */
  startedAtMs: number;
}

export interface RolloutState {
  /** The router service whose weights the rollout moves. */
  service: string;
  /** The previous healthy release, where a rollback returns traffic; null on a first deploy. */
  stableVersion: string | null;
  /** The release being rolled out. */
  newVersion: string;
  /** Desired ready replicas once the rollout is done. */
  replicas: number;
  /** When the rollout began, ms since the Unix epoch. */
  startedAtMs: number;
  /** Every replica of the service not yet stopped, any version. */
  running: ReplicaView[];
  /** The service's weights by version, as last set (missing versions weigh 0). */
  weights: RouterWeights;
  /** Blue-green preview service's weights, when it has one. */
  previewWeights?: RouterWeights;
}

/**
 * The rollout's history, appended by the deploy controller and kept with the rollout, so a planner
 * called again (after a restart of the server too) reaches the same decision. The controller appends
 * `weightsSet` after applying a setWeights action and `aborted` after applying a rollback action.
 */
export type RolloutEvent =
  | { type: 'weightsSet'; service: string; weights: RouterWeights; timeMs: number }
  /** `slipway promote` (resume the current pause) or `slipway promote --full` (skip every step). */
  | { type: 'promoted'; full: boolean; timeMs: number }
  /** `slipway rollback`, a canary ROLLBACK decision, or the planner's own rollback action. */
  | { type: 'aborted'; reason: string; timeMs: number }
  | { type: 'analysisCompleted'; key: string; passed: boolean; reason?: string; timeMs: number };
