/**
 * What the deploy controller needs of the canary control plane. Declared here, by its user, so deploy/
 * does not depend on canary/: the platform hands in canary/'s implementation (startCanaryService's
 * `deployLink`), which matches this shape.
 */
export interface CanaryLink {
  /**
   * Registers the rollout (idempotent) so its telemetry is accepted and its decisions can be stored;
   * the project's teams see it.
   */
  registerRollout(input: { rolloutId: string; service: string; stepCount: number; projectId: number }): Promise<void>;
  /**
   * Starts the engine's rollout at `step` (1-based, of the canary's steps), or moves it there: the
   * engine judges this step from stepStartedMs. Returns the cursor after which this step's decisions come.
   */
  enterStep(input: { rolloutId: string; step: number; stepStartedMs: number; stepCount: number }): Promise<{ afterSequence: number }>;
  /**
   * The next decision for the rollout after `afterSequence`, decided at or after sinceMs — at `step`
   * only, when given. Undefined once the signal aborts.
   */
  nextDecision(input: { rolloutId: string; step?: number; afterSequence: number; sinceMs: number; signal: AbortSignal }): Promise<CanaryDecisionSummary | undefined>;
  /** The deployment ended: the engine stops judging the rollout. */
  endRollout(rolloutId: string, state: 'completed' | 'rolled_back'): void;
}

export interface CanaryDecisionSummary {
  sequence: number;
  step: number;
  action: 'PROMOTE' | 'PAUSE' | 'ROLLBACK';
  reasons: string[];
}
