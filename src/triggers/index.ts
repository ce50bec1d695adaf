/**
 * triggers/ — what starts a run: webhooks from GitHub and GitLab (verified, parsed, deduplicated),
 * the pipeline's filters, cron schedules, and reading the pipeline file at the pushed commit.
 * HTTP routes live in api/ and call receive*Webhook with the request's headers and raw body.
 *
 * Glossary
 * - trigger: the `trigger:` of a pipeline — branch and path filters, and schedules.
 * - event: a webhook reduced to what decides a run (TriggerEvent): push or pull_request, repository,
 *   ref, commit, changed paths. A webhook that starts nothing is `ignored`, with a reason.
 * - delivery: one webhook request, identified by the provider's delivery id; a redelivery (retry or
 *   replay) has the same id and never starts a second run (webhook_deliveries).
 * - filter: a trigger's branch/tag/path globs applied to an event (matchesTrigger); its reason is shown.
 * - changed paths: files a push changed; unknown (undefined) when the payload cannot say — then path
 *   filters are not applied rather than guessed.
 * - schedule: a cron expression (five fields, UTC unless a timezone is given); tick: one instant it
 *   names. Each tick of a project's schedule is claimed once across all servers (schedule_ticks).
 * - mirror: a bare `git clone --mirror` of a repository kept under the cache directory, fetched when a
 *   commit is missing, from which pipeline files and diffs are read.
 */
export { checkPayloadSize, maxWebhookBytes } from './check-payload-size.js';
export { checkCommitSha, checkRepoUrl } from './check-repo-url.js';
export { claimScheduleTick, type ScheduleTick } from './claim-schedule-tick.js';
export { type ListChangedPathsOptions, listChangedPaths } from './list-changed-paths.js';
export { type TriggerFilter, type TriggerMatch, matchesTrigger } from './matches-trigger.js';
export {
  type NextScheduledRunsOptions,
  type ScheduledRun,
  dueSchedules,
  nextScheduledRuns,
} from './next-scheduled-runs.js';
export { type OpenMirrorInput, hasCommit, mirrorDirFor, openMirror, refreshMirror } from './open-mirror.js';
export { parseGitHubEvent } from './parse-github-event.js';
export { parseGitLabEvent } from './parse-gitlab-event.js';
export { type WebhookHeaders, readHeader } from './read-header.js';
export {
  type PipelineAtCommit,
  type ReadPipelineAtCommitInput,
  readPipelineAtCommit,
} from './read-pipeline-at-commit.js';
export { type ResolveRefInput, resolveCommitInMirror, resolveRef } from './resolve-ref.js';
export {
  type ReceivedWebhook,
  type WebhookRequest,
  gitLabDeliveryId,
  receiveGitHubWebhook,
  receiveGitLabWebhook,
} from './receive-webhook.js';
export {
  type DeliveryKey,
  type RecordDeliveryInput,
  type RecordedDelivery,
  attachRunToDelivery,
  createRunForDelivery,
  recordDelivery,
} from './record-delivery.js';
export { type ParsedWebhook, type Provider, type TriggerEvent, isZeroSha, providers } from './trigger-event.js';
export { verifyGitHubSignature } from './verify-github-signature.js';
export { verifyGitLabToken } from './verify-gitlab-token.js';
