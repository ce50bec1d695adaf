import { AppError, ErrorCode } from '../errors/app-error.js';
import { readField, readString, requireString } from './payload-fields.js';
import { collectChangedPaths, ignored, isZeroSha, type ParsedWebhook, type TriggerEvent } from './trigger-event.js';

/** Pull request actions that put new code in front of CI; the rest (labels, reviews…) do not. */
const buildingActions = new Set(['opened', 'synchronize', 'reopened']);

/**
 * GitHub lists at most 2048 commits in a push webhook, and at most 5000 paths in each of a commit's
 * added/modified/removed: a list that long may be cut, so its paths are unknown rather than wrong.
 */
const maxPushCommits = 2048;
const maxPathsPerList = 5000;

/**
 * A GitHub webhook (X-GitHub-Event name, X-GitHub-Delivery id, parsed JSON body) -> a trigger event,
 * or the reason it triggers nothing. Unknown events are ignored, never errors: GitHub sends whatever
 * the hook is subscribed to. Throws `invalid_argument` only for a push or pull_request payload that
 * lacks what it must carry.
 */
export function parseGitHubEvent(eventName: string, deliveryId: string, payload: unknown): ParsedWebhook {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AppError(ErrorCode.invalidArgument, `GitHub ${eventName} payload is not a JSON object`);
  }
  switch (eventName) {
    case 'push':
      return parsePush(deliveryId, payload);
    case 'pull_request':
      return parsePullRequest(deliveryId, payload);
    case 'ping':
      return ignored(`ping (hook ${String(readField(payload, 'hook_id') ?? '?')}): the webhook reaches Slipway`);
    default:
      return ignored(`GitHub event '${eventName}' does not trigger runs; only push and pull_request do`);
  }
}

function parsePush(deliveryId: string, payload: object): ParsedWebhook {
  const ref = requireString(payload, 'ref', 'push');
  const after = requireString(payload, 'after', 'push');
  if (readField(payload, 'deleted') === true || isZeroSha(after)) return ignored(`${ref} was deleted`);
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
  if (branch === undefined && tag === undefined) return ignored(`${ref} is neither a branch nor a tag`);
  const before = readString(payload, 'before');
  const event: TriggerEvent = {
    provider: 'github',
    kind: 'push',
    deliveryId,
    repoUrl: requireString(payload, 'repository.clone_url', 'push'),
    repoFullName: requireString(payload, 'repository.full_name', 'push'),
    ref,
    commitSha: after,
    changedPaths: changedPathsOf(readField(payload, 'commits')),
    sender: readString(payload, 'sender.login') ?? readString(payload, 'pusher.name') ?? 'unknown',
  };
  if (branch !== undefined) event.branch = branch;
  if (tag !== undefined) event.tag = tag;
  if (before !== undefined && !isZeroSha(before)) event.beforeSha = before;
  return { kind: 'event', event };
}

/** An empty list says nothing either: a new ref at an existing commit, or a force push backwards. */
function changedPathsOf(commits: unknown): string[] | undefined {
  if (!Array.isArray(commits) || commits.length === 0 || commits.length >= maxPushCommits) return undefined;
  return collectChangedPaths(commits, maxPathsPerList);
}

function parsePullRequest(deliveryId: string, payload: object): ParsedWebhook {
  const action = requireString(payload, 'action', 'pull_request');
  const number = readField(payload, 'number') ?? readField(payload, 'pull_request.number');
  if (!buildingActions.has(action)) {
    return ignored(`pull request #${String(number)} ${action}: only opened, synchronize and reopened trigger runs`);
  }
  if (typeof number !== 'number') {
    throw new AppError(ErrorCode.invalidArgument, 'pull_request payload has no number: is the webhook sending GitHub JSON events?');
  }
  const headBranch = requireString(payload, 'pull_request.head.ref', 'pull_request');
  return {
    kind: 'event',
    event: {
      provider: 'github',
      kind: 'pull_request',
      deliveryId,
      // The base repository: a fork's head commit is fetchable from it too (refs/pull/<n>/head).
      repoUrl: requireString(payload, 'repository.clone_url', 'pull_request'),
      repoFullName: requireString(payload, 'repository.full_name', 'pull_request'),
      // The head branch may live in a fork; this ref is where the base repository keeps its commits.
      ref: `refs/pull/${number}/head`,
      branch: headBranch,
      commitSha: requireString(payload, 'pull_request.head.sha', 'pull_request'),
      sender: readString(payload, 'sender.login') ?? 'unknown',
      pullRequest: {
        number,
        baseBranch: requireString(payload, 'pull_request.base.ref', 'pull_request'),
        baseSha: requireString(payload, 'pull_request.base.sha', 'pull_request'),
      },
    },
  };
}
