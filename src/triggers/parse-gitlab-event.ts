import { AppError, ErrorCode } from '../errors/app-error.js';
import { readField, readString, requireString } from './payload-fields.js';
import { collectChangedPaths, ignored, isZeroSha, type ParsedWebhook, type TriggerEvent } from './trigger-event.js';

const objectKinds: Record<string, string> = { 'Push Hook': 'push', 'Tag Push Hook': 'tag_push' };

/**
 * A GitLab webhook (X-Gitlab-Event name, delivery id, parsed JSON body) -> a trigger event, or the
 * reason it triggers nothing. Push and tag push hooks only; merge request hooks are not handled yet.
 */
export function parseGitLabEvent(eventName: string, deliveryId: string, payload: unknown): ParsedWebhook {
  const expectedKind = Object.hasOwn(objectKinds, eventName) ? objectKinds[eventName] : undefined;
  if (expectedKind === undefined) {
    return ignored(`GitLab event '${eventName}' does not trigger runs; only Push Hook and Tag Push Hook do`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AppError(ErrorCode.invalidArgument, `GitLab ${eventName} payload is not a JSON object`);
  }
  const objectKind = readString(payload, 'object_kind');
  if (objectKind !== expectedKind) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `GitLab ${eventName} payload has object_kind ${JSON.stringify(objectKind)}, expected '${expectedKind}'`,
    );
  }
  const ref = requireString(payload, 'ref', eventName);
  const after = requireString(payload, 'after', eventName);
  // checkout_sha is the commit; `after` of an annotated tag is the tag object. null on deletion.
  const commitSha = readString(payload, 'checkout_sha');
  if (isZeroSha(after) || commitSha === undefined) return ignored(`${ref} was deleted`);
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  if (branch === undefined && tag === undefined) return ignored(`${ref} is neither a branch nor a tag`);
  const before = readString(payload, 'before');
  const event: TriggerEvent = {
    provider: 'gitlab',
    kind: 'push',
    deliveryId,
    repoUrl: readString(payload, 'project.git_http_url') ?? requireString(payload, 'repository.git_http_url', eventName),
    repoFullName: requireString(payload, 'project.path_with_namespace', eventName),
    ref,
    commitSha,
    changedPaths: changedPathsOf(readField(payload, 'commits'), readField(payload, 'total_commits_count')),
    sender: readString(payload, 'user_username') ?? readString(payload, 'user_name') ?? 'unknown',
  };
  if (branch !== undefined) event.branch = branch;
  if (tag !== undefined) event.tag = tag;
  if (before !== undefined && !isZeroSha(before)) event.beforeSha = before;
  return { kind: 'event', event };
}

/** GitLab lists at most 20 commits and says how many there were; fewer listed = paths unknown. */
function changedPathsOf(commits: unknown, totalCommits: unknown): string[] | undefined {
  if (!Array.isArray(commits) || commits.length === 0) return undefined;
  if (typeof totalCommits !== 'number' || totalCommits > commits.length) return undefined;
  return collectChangedPaths(commits);
}
