/** Where a webhook came from. */
export type Provider = 'github' | 'gitlab';

export const providers: readonly Provider[] = ['github', 'gitlab'];

/** A webhook reduced to what decides whether and what to run; the same shape for every provider. */
export interface TriggerEvent {
  provider: Provider;
  kind: 'push' | 'pull_request';
  /** The provider's id of this delivery; a redelivery carries the same id. */
  deliveryId: string;
  /** What to clone or fetch: the repository the webhook is configured on. */
  repoUrl: string;
  /** e.g. `acme/web` (GitHub full_name, GitLab path_with_namespace). */
  repoFullName: string;
  /** Full ref name: `refs/heads/main`, `refs/tags/v1.2.0`; for a pull request `refs/pull/<n>/head`. */
  ref: string;
  /** Set for a branch push and for a pull request (its head branch, possibly a fork's). */
  branch?: string;
  /** Set for a tag push. */
  tag?: string;
  /** The commit to build. */
  commitSha: string;
  /** The ref's previous commit for a push; absent when the ref was just created. */
  beforeSha?: string;
  /**
   * Files changed by a push, sorted and unique. undefined = unknown (truncated payload, no commit
   * list, a pull request): path filters are then not applied — see listChangedPaths.
   */
  changedPaths?: string[];
  /** Login of whoever caused the event. */
  sender: string;
  pullRequest?: {
    number: number;
    /** The branch the pull request merges into; trigger.branches filters on it, as GitHub does. */
    baseBranch: string;
    baseSha: string;
  };
}

/** The outcome of parsing a well-formed, authenticated webhook. */
export type ParsedWebhook = { kind: 'event'; event: TriggerEvent } | { kind: 'ignored'; reason: string };

export function ignored(reason: string): ParsedWebhook {
  return { kind: 'ignored', reason };
}

/** `0000…` (40 or 64 zeros): the side of a push where the ref did not exist. */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}

/**
 * Sorted, unique union of the files each commit added, modified or removed; undefined (unknown)
 * when a commit lacks its lists or a list may have been capped at `capPerList` entries.
 */
export function collectChangedPaths(commits: readonly unknown[], capPerList = Number.POSITIVE_INFINITY): string[] | undefined {
  const paths = new Set<string>();
  for (const commit of commits) {
    if (typeof commit !== 'object' || commit === null) return undefined;
    for (const key of ['added', 'modified', 'removed'] as const) {
      const list = (commit as Record<string, unknown>)[key];
      if (!Array.isArray(list) || list.length >= capPerList) return undefined;
      for (const path of list) if (typeof path === 'string') paths.add(path);
    }
  }
  return [...paths].sort();
}
