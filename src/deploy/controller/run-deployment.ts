import { readGate } from '../approvals/read-gate.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { acquireDeployLock } from '../lock/acquire-deploy-lock.js';
import type { LockLease } from '../lock/deploy-lock.js';
import { getRelease, materializeRelease } from '../releases/index.js';
import type { TargetRelease } from '../targets/target.js';
import { type ControllerRuntime, syncBackends } from './controller-runtime.js';
import { type Deployment, type DeploymentFailure, type DeploymentStatus, isFinished, loadDeployment } from './deployment.js';
import { finishDeployment, setDeploymentStatus } from './deployment-records.js';
import { readStableRelease, writeStableRelease } from './environment-releases.js';
import { describeRolloutFailure, runRollout } from './run-rollout.js';

type Ending = { status: DeploymentStatus; failure: DeploymentFailure | null };

/** A day: a deployment queued behind a long one keeps its place, and `slipway abort` ends the wait. */
const lockWaitMs = 24 * 3600_000;

/** The environment's lock key: one deployment per project environment at a time. */
export function environmentLockKey(projectId: number, environment: string): string {
  return `deploy/${projectId}/${environment}`;
}

/**
 * One deployment from gate to finish: wait for its approval gate (if any), take the environment's
 * lock (queueing behind earlier deployments, or superseding queued ones), run the rollout, and record
 * the outcome — the environment's stable release on success, under the lock's fencing token. Never
 * throws: every ending is stored on the deployment, infrastructure errors as a retryable failure.
 */
export async function runDeployment(rt: ControllerRuntime, id: number, abortWait: AbortSignal): Promise<void> {
  let ending: Ending;
  let loaded: Deployment | undefined;
  try {
    loaded = await loadDeployment(rt.db, id);
    ending = await drive(rt, loaded, abortWait);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ending = { status: 'failed', failure: { kind: 'infra', retryable: true, message } };
  } finally {
    rt.wakers.forget(id);
  }
  await finishDeployment(rt.db, rt.clock, id, ending.status, ending.failure).catch(() => {});
  // A loop started for a deployment that had already finished ends nothing: not counted twice.
  if (loaded && isFinished(loaded.status)) return;
  const environment = loaded?.environment ?? 'unknown';
  rt.metrics?.deploymentFinished(environment, ending.status);
  rt.logger?.info({ deploymentId: id, environment, service: loaded?.service, version: loaded?.version, status: ending.status, failure: ending.failure }, 'deployment finished');
}

async function drive(rt: ControllerRuntime, d: Deployment, abortWait: AbortSignal): Promise<Ending> {
  if (isFinished(d.status)) return { status: d.status, failure: d.failure };
  const aborted = (by: string | null): Ending => ({ status: 'aborted', failure: { kind: 'canceled', retryable: false, message: `aborted by ${by ?? 'the server'} before the rollout began` } });
  if (d.gateRequestId !== null) {
    const refused = await waitForGate(rt, d, d.gateRequestId, abortWait);
    if (refused) return refused;
  }
  const current = await loadDeployment(rt.db, d.id);
  if (current.abortRequestedBy !== null) return aborted(current.abortRequestedBy);

  await setDeploymentStatus(rt.db, rt.clock, d.id, 'waiting_lock');
  const key = environmentLockKey(d.projectId, d.environment);
  const turn = await acquireDeployLock(rt.lock, key, `deployment-${d.id}`, {
    ttlMs: rt.lockTtlMs,
    waitMs: lockWaitMs,
    supersede: d.supersede,
    signal: abortWait,
    clock: rt.clock,
    minPollMs: 50,
    maxPollMs: 500,
  });
  if (turn.outcome === 'superseded') return { status: 'superseded', failure: { kind: 'canceled', retryable: false, message: `superseded by ${turn.by} while waiting for the lock` } };
  if (turn.outcome === 'aborted') return aborted((await loadDeployment(rt.db, d.id)).abortRequestedBy);
  if (turn.outcome === 'timed_out') return { status: 'failed', failure: { kind: 'timeout', retryable: true, message: `waited ${lockWaitMs / 3600_000} h for the lock of ${d.environment}` } };
  // A loop resumed after a restart may share its deployment with a live loop elsewhere: the first to
  // get the lock runs it, the other must not run it again.
  const underLock = await loadDeployment(rt.db, d.id);
  if (isFinished(underLock.status)) {
    await rt.lock.release(turn.lease).catch(() => false);
    return { status: underLock.status, failure: underLock.failure };
  }
  return withLease(rt, d, turn.lease);
}

async function withLease(rt: ControllerRuntime, d: Deployment, lease: LockLease): Promise<Ending> {
  let lost = false;
  const renew = setInterval(() => {
    rt.lock.renew(lease, rt.lockTtlMs).then(
      (ok) => {
        if (!ok) lost = true;
      },
      () => {},
    );
  }, Math.max(100, Math.floor(rt.lockTtlMs / 3)));
  try {
    // Read under the lock: the previous holder may just have changed it.
    const stableReleaseId = await readStableRelease(rt.db, d.projectId, d.environment, d.service);
    await setDeploymentStatus(rt.db, rt.clock, d.id, 'running', { fencingToken: lease.token, stableReleaseId, started: true });
    rt.logger?.info({ deploymentId: d.id, environment: d.environment, service: d.service, version: d.version, kind: d.kind }, 'deployment started');
    const running = await loadDeployment(rt.db, d.id);
    const releases = new Map<string, Promise<TargetRelease>>();
    const releaseOf = (version: string): Promise<TargetRelease> => {
      const id = version === running.version ? running.releaseId : version === running.stableVersion ? running.stableReleaseId : null;
      if (id === null) return Promise.reject(new AppError(ErrorCode.internal, `deployment ${d.id} has no release ${version}`));
      let pending = releases.get(version);
      if (!pending) {
        pending = getRelease(rt.db, id).then(async (release) => ({
          version,
          service: release.config,
          workdir: await materializeRelease(rt.blobs, rt.dataDir, release),
          digest: release.digest,
        }));
        releases.set(version, pending);
      }
      return pending;
    };
    rt.rollingOut.set(d.service, running.version);
    const outcome = await runRollout(rt, {
      deployment: running,
      releaseOf,
      checkLease: () => {
        if (lost) throw new AppError(ErrorCode.conflict, `deployment ${d.id} lost the lock of ${d.environment}: another deployment may be running`);
      },
    }).catch(async (error: unknown) => {
      // Whatever broke, traffic must not stay half-switched: back to stable when it can take it —
      // unless the lock is lost, when the weights may already belong to the next deployment.
      if (!lost) await restoreStableTraffic(rt, running);
      throw error;
    });
    if (outcome.status === 'succeeded') {
      await writeStableRelease(rt.db, rt.clock, rt.lock, lease, {
        projectId: d.projectId,
        environment: d.environment,
        service: d.service,
        releaseId: d.releaseId,
        deploymentId: d.id,
      });
      return { status: 'succeeded', failure: null };
    }
    const abortedBy = (await loadDeployment(rt.db, d.id)).abortRequestedBy;
    if (abortedBy !== null) return { status: 'aborted', failure: { kind: 'canceled', retryable: false, message: outcome.reason } };
    return { status: 'failed', failure: describeRolloutFailure(rt, running, outcome.reason) };
  } finally {
    clearInterval(renew);
    rt.rollingOut.delete(d.service);
    await syncBackends(rt, d.service).catch(() => {});
    await rt.lock.release(lease).catch(() => false);
  }
}

async function restoreStableTraffic(rt: ControllerRuntime, d: Deployment): Promise<void> {
  const stable = d.stableVersion;
  if (stable === null || stable === d.version) return;
  const stableReady = rt.target.listReplicas().some((r) => r.service === d.service && r.version === stable && r.state === 'ready');
  if (!stableReady) return;
  await syncBackends(rt, d.service).catch(() => {});
  await rt.router.setWeights(d.service, { [stable]: 100, [d.version]: 0 }).catch(() => {});
}

/** Polls the gate until it is decided; returns the ending when it was refused, undefined to go on. */
async function waitForGate(rt: ControllerRuntime, d: Deployment, gateId: number, abortWait: AbortSignal): Promise<Ending | undefined> {
  for (;;) {
    if (rt.closed) throw new AppError(ErrorCode.unavailable, 'the server is shutting down; deploy again once it is back');
    const reading = await readGate(rt.db, gateId, rt.clock);
    if (reading.status === 'approved' || reading.status === 'auto-approved') return undefined;
    if (reading.status === 'rejected' || reading.status === 'expired') {
      const message = `approval request ${gateId} was ${reading.status}: ${reading.reasons.join('; ')}`;
      return { status: 'failed', failure: { kind: 'user', retryable: false, message } };
    }
    // Read from the row, not only abortWait: the abort may have reached another server replica.
    const by = (await loadDeployment(rt.db, d.id)).abortRequestedBy;
    if (by !== null || abortWait.aborted) {
      return { status: 'aborted', failure: { kind: 'canceled', retryable: false, message: `aborted by ${by ?? 'the server'} while waiting for approval` } };
    }
    const untilRetry = reading.retryAtMs === undefined ? rt.pollMs : reading.retryAtMs - rt.clock.now();
    await rt.wakers.sleep(d.id, Math.max(10, Math.min(untilRetry, rt.pollMs)));
  }
}
