import { isAppError } from '../../errors/app-error.js';
import type { TargetRelease } from '../targets/target.js';
import { type ControllerRuntime, syncBackends } from './controller-runtime.js';

/**
 * Starts `count` more replicas of a release at the lowest free indexes. Returns once they run (state
 * starting): readiness arrives as a target event that wakes the loop, and the planner's progress
 * deadline judges it — so an abort is never stuck behind a slow start.
 */
export async function startReplicas(rt: ControllerRuntime, release: TargetRelease, count: number): Promise<void> {
  const used = new Set(
    rt.target
      .listReplicas()
      .filter((replica) => replica.service === release.service.name && replica.version === release.version)
      .map((replica) => replica.index),
  );
  for (let index = 0, started = 0; started < count; index += 1) {
    if (used.has(index)) continue;
    rt.failures.delete(`${release.service.name}-${release.version}-${index}`);
    await rt.target.startReplica(release, index);
    started += 1;
  }
}

/**
 * Takes the replicas out of the router first, waits drainMs for requests in flight, then stops them
 * (in parallel): a replica is never stopped while the router may still send it a new request.
 */
export async function stopReplicas(rt: ControllerRuntime, service: string, ids: readonly string[]): Promise<void> {
  const present = rt.target.listReplicas().filter((replica) => ids.includes(replica.id));
  if (present.length === 0) return;
  for (const replica of present) rt.draining.add(replica.id);
  try {
    await syncBackends(rt, service);
    if (present.some((replica) => replica.state === 'ready')) await new Promise((resolve) => setTimeout(resolve, rt.drainMs));
    await Promise.all(
      present.map((replica) =>
        rt.target.stopReplica(replica.id).catch((error: unknown) => {
          // Gone already (it was stopped by someone else): what we wanted.
          if (!(isAppError(error) && error.code === 'not_found')) throw error;
        }),
      ),
    );
  } finally {
    for (const replica of present) rt.draining.delete(replica.id);
  }
}
