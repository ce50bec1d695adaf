import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Action } from '../strategies/action.js';
import { planNextActions } from '../strategies/plan-next-actions.js';
import type { RolloutEvent, RolloutState } from '../strategies/rollout-state.js';
import type { TargetRelease } from '../targets/target.js';
import { startReplicas, stopReplicas } from './apply-replica-actions.js';
import { type ControllerRuntime, syncBackends } from './controller-runtime.js';
import type { AppliedAction, Deployment, DeploymentFailure } from './deployment.js';
import { appendHistory, setDeploymentStatus } from './deployment-records.js';
import { runCanaryAnalysis, watchCanaryRollback } from './run-canary-analysis.js';
import { type AnalysisResult, runHealthAnalysis } from './run-health-analysis.js';
import { takeSignals } from './signal-deployment.js';

export interface RolloutInput {
  deployment: Deployment;
  /** The release of a version this rollout may start: the new one, or stable's (for an abort). */
  releaseOf(version: string): Promise<TargetRelease>;
  /** Throws once the environment's lock is lost. */
  checkLease(): void;
}

export type RolloutOutcome = { status: 'succeeded' } | { status: 'failed'; reason: string };

/** Passes without a wait or a change in a row that mean the planner and the world disagree (a bug). */
const maxBusyPasses = 500;

/**
 * The reconcile loop: observe (target replicas + router weights) → plan (pure strategy planner) →
 * apply → record, until the planner marks the rollout succeeded or failed. Every applied action is
 * logged; the events the planner reads back (weightsSet, promoted, aborted, analysisCompleted) are
 * stored before the next pass, so the decisions survive a restart of the loop.
 */
export async function runRollout(rt: ControllerRuntime, input: RolloutInput): Promise<RolloutOutcome> {
  const d = input.deployment;
  if (d.startedAt === null) throw new AppError(ErrorCode.internal, `deployment ${d.id} has no start time`);
  const newRelease = await input.releaseOf(d.version);
  const events: RolloutEvent[] = [...d.events];
  const analysisResults: RolloutEvent[] = [];
  const analyses = new Set<string>();
  let paused = d.status === 'paused';
  let busyPasses = 0;
  // Redeploying the stable version is a first deploy of it: there is nothing else to return to.
  const stableVersion = d.stableVersion === d.version ? null : d.stableVersion;

  const canary = await beginCanaryRollout(rt, d, stableVersion);
  const ended = new AbortController();
  // The analysis step the engine's decisions are being waited for: its ROLLBACK is that step's result.
  let analysisStep: number | undefined;
  if (canary) {
    watchCanaryRollback({ link: canary.link, rolloutId: canary.rolloutId, sinceMs: rt.clock.now(), signal: ended.signal, skip: (decision) => decision.step === analysisStep })
      .then((decision) => {
        if (!decision) return;
        analysisResults.push({ type: 'aborted', reason: `canary engine decision ${decision.sequence} ROLLBACK at step ${decision.step}: ${decision.reasons.join('; ')}`, timeMs: rt.clock.now() });
        rt.wakers.wake(d.id);
      })
      .catch(() => {});
  }

  const analyze = (action: Extract<Action, { type: 'runAnalysis' }>): Promise<AnalysisResult> => {
    const step = /^step-(\d+)$/.exec(action.key);
    if (canary && step) {
      analysisStep = Number(step[1]) + 1;
      return runCanaryAnalysis({ link: canary.link, rolloutId: canary.rolloutId, spec: action.spec, step: analysisStep, stepCount: canary.stepCount, now: () => rt.clock.now(), signal: ended.signal });
    }
    return runHealthAnalysis({
      spec: action.spec,
      service: d.service,
      version: d.version,
      telemetry: rt.telemetry,
      now: () => rt.clock.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
  };

  const startAnalysis = (action: Extract<Action, { type: 'runAnalysis' }>) => {
    analyses.add(action.key);
    analyze(action)
      .then(
        (result) => ({ passed: result.passed, reason: result.reason }),
        (error: unknown) => ({ passed: false, reason: error instanceof Error ? error.message : String(error) }),
      )
      .then((result) => {
        analysisResults.push({ type: 'analysisCompleted', key: action.key, ...result, timeMs: rt.clock.now() });
        rt.wakers.wake(d.id);
      });
  };

  let outcome: RolloutOutcome | undefined;
  try {
    outcome = await reconcile();
    return outcome;
  } finally {
    ended.abort();
    if (canary) {
      rt.canaryRollouts.delete(d.service);
      canary.link.endRollout(canary.rolloutId, outcome?.status === 'succeeded' ? 'completed' : 'rolled_back');
    }
  }

  async function reconcile(): Promise<RolloutOutcome> {
    for (;;) {
      if (rt.closed) throw new AppError(ErrorCode.unavailable, 'the server is shutting down; deploy again once it is back');
      input.checkLease();
      events.push(...(await takeSignals(rt.db, rt.clock, d.id)));
      const added: RolloutEvent[] = analysisResults.splice(0);
      events.push(...added);
      const applied: AppliedAction[] = [];
      const actions = planNextActions(await observe(rt, d, stableVersion, newRelease.service.replicas), d.strategy, events, rt.clock);
      let sleepMs: number | undefined;
      let outcome: RolloutOutcome | undefined;
      for (const action of actions) {
        const timeMs = rt.clock.now();
        const record = () => applied.push({ timeMs, action });
        switch (action.type) {
          case 'startReplicas':
            await startReplicas(rt, await input.releaseOf(action.version), action.count);
            record();
            break;
          case 'stopReplicas':
            await stopReplicas(rt, d.service, action.ids);
            record();
            break;
          case 'setWeights': {
            // A preview service routes to the deployment's own replicas (green), not to replicas of its name.
            await syncBackends(rt, action.service, d.service);
            await rt.router.setWeights(action.service, action.weights);
            const event: RolloutEvent = { type: 'weightsSet', service: action.service, weights: action.weights, timeMs };
            events.push(event);
            added.push(event);
            record();
            break;
          }
          case 'waitUntil':
            sleepMs = Math.max(0, action.timeMs - timeMs);
            break;
          case 'waitForPromotion':
            sleepMs = rt.pollMs;
            if (!paused) {
              paused = true;
              await setDeploymentStatus(rt.db, rt.clock, d.id, 'paused');
              record();
            }
            break;
          case 'runAnalysis':
            sleepMs = rt.pollMs;
            if (!analyses.has(action.key) && !events.some((e) => e.type === 'analysisCompleted' && e.key === action.key)) {
              startAnalysis(action);
              record();
            }
            break;
          case 'rollback': {
            const event: RolloutEvent = { type: 'aborted', reason: action.reason, timeMs };
            events.push(event);
            added.push(event);
            record();
            break;
          }
          case 'markSucceeded':
            outcome = { status: 'succeeded' };
            record();
            break;
          case 'markFailed':
            outcome = { status: 'failed', reason: action.reason };
            record();
            break;
        }
      }
      await appendHistory(rt.db, rt.clock, d.id, added, applied);
      if (outcome) return outcome;
      if (paused && !actions.some((action) => action.type === 'waitForPromotion')) {
        paused = false;
        await setDeploymentStatus(rt.db, rt.clock, d.id, 'running');
      }
      if (sleepMs === undefined && applied.length === 0) busyPasses += 1;
      else busyPasses = 0;
      if (busyPasses > maxBusyPasses) throw new AppError(ErrorCode.internal, `deployment ${d.id}: the ${d.strategy.type} planner made no progress in ${maxBusyPasses} passes`);
      if (sleepMs !== undefined) await rt.wakers.sleep(d.id, Math.min(sleepMs, rt.pollMs));
    }
  }
}

/**
 * A canary with `analysis` steps, a stable version to compare with and an engine: registers its
 * rollout (named after the deployment) and tags the service's router telemetry with it.
 */
async function beginCanaryRollout(rt: ControllerRuntime, d: Deployment, stableVersion: string | null) {
  const link = rt.canary;
  if (!link || d.strategy.type !== 'canary' || stableVersion === null || !d.strategy.steps.some((step) => 'analysis' in step)) return undefined;
  const rolloutId = `deployment-${d.id}`;
  const stepCount = d.strategy.steps.length;
  await link.registerRollout({ rolloutId, service: d.service, stepCount, projectId: d.projectId });
  rt.canaryRollouts.set(d.service, rolloutId);
  return { link, rolloutId, stepCount };
}

async function observe(rt: ControllerRuntime, d: Deployment, stableVersion: string | null, replicas: number): Promise<RolloutState> {
  const running = rt.target
    .listReplicas()
    .filter((replica) => replica.service === d.service && replica.state !== 'stopping' && replica.state !== 'stopped')
    .map((replica) => ({
      id: replica.id,
      version: replica.version,
      ready: replica.state === 'ready',
      ...(replica.state === 'failed' ? { failed: true } : {}),
      startedAtMs: replica.startedAtMs,
    }));
  const services = (await rt.router.readState()).services;
  const weights = services[d.service]?.weights ?? {};
  const state: RolloutState = { service: d.service, stableVersion, newVersion: d.version, replicas, startedAtMs: d.startedAt!.getTime(), running, weights };
  // The planner re-sends the preview's weights until it sees them applied: without them here it never did.
  const preview = d.strategy.type === 'blueGreen' ? d.strategy.previewService : undefined;
  if (preview !== undefined) state.previewWeights = services[preview]?.weights ?? {};
  return state;
}

/** The failure to store for a failed rollout: the planner's reason plus what the failing replica said. */
export function describeRolloutFailure(rt: ControllerRuntime, d: Deployment, reason: string): DeploymentFailure {
  const prefix = `${d.service}-${d.version}-`;
  const named = [...rt.failures.entries()].find(([id]) => reason.includes(id)) ?? [...rt.failures.entries()].find(([id]) => id.startsWith(prefix));
  if (!named) return { kind: 'user', retryable: false, message: reason };
  const [, failure] = named;
  return { kind: 'user', retryable: false, message: `${reason}: ${failure.message}`, stderrTail: failure.stderrTail };
}
