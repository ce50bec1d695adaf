export interface ReleaseLike {
  id: number;
  version: string;
  service: string;
  status: string;
  finishedAt: string | null;
}

/**
 * What an environment serves: the release of its newest successful deployment (a rollback is a
 * deployment too). Undefined before the first success. Newest is the highest id: ids grow in
 * submission order, and one deployment per environment runs at a time.
 */
export function currentRelease<T extends ReleaseLike>(deployments: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const deployment of deployments) {
    if (deployment.status === 'succeeded' && (best === undefined || deployment.id > best.id)) best = deployment;
  }
  return best;
}
