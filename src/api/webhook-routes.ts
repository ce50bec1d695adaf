import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { enqueueRun, runScheduling } from '../scheduler/index.js';
import { listProjectsWithRepo, type Project } from '../store/index.js';
import {
  createRunForDelivery,
  matchesTrigger,
  maxWebhookBytes,
  type ReceivedWebhook,
  receiveGitHubWebhook,
  receiveGitLabWebhook,
  type TriggerEvent,
  type WebhookRequest,
} from '../triggers/index.js';
import type { AgentRoutesContext } from './agents/register-agent-routes.js';
import { httpStatusFor } from './http-status.js';
import { readPipelineFromCommit } from './start-run-from-repo.js';

export interface WebhookSecrets {
  /** SLIPWAY_GITHUB_WEBHOOK_SECRET; unset = the GitHub route answers 503. */
  githubSecret?: string;
  /** SLIPWAY_GITLAB_WEBHOOK_TOKEN; unset = the GitLab route answers 503. */
  gitlabToken?: string;
}

export interface WebhookRouteOptions {
  /** Default maxWebhookBytes (25 MiB); a bigger body is refused with 413 before it is read whole. */
  bodyLimit?: number;
}

/**
 * POST /api/v1/webhooks/github and /gitlab: a verified push or pull request starts the project's
 * pipeline at the pushed commit, once per delivery. 201 {runId, number} for a new run, 200 with the
 * same run for a redelivery, 202 {ignored} for an event that starts nothing and {skipped} when the
 * pipeline's trigger filters it out; 401 for a bad signature or token, 404 for an unknown repository.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  ctx: AgentRoutesContext,
  secrets: WebhookSecrets,
  options: WebhookRouteOptions = {},
): void {
  const bodyLimit = options.bodyLimit ?? maxWebhookBytes;
  void app.register(async (scope) => {
    // The signature covers the bytes as sent: keep them, unparsed, for these routes only.
    scope.removeAllContentTypeParsers();
    scope.setErrorHandler((error, _request, reply) => {
      if ((error as { code?: string }).code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
      void reply.status(413).send({
        error: {
          code: ErrorCode.payloadTooLarge,
          message: `webhook payload is larger than the ${bodyLimit} bytes accepted`,
          details: { maxBytes: bodyLimit },
        },
      });
    });
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

    scope.post('/api/v1/webhooks/github', { bodyLimit }, async (request, reply) => {
      const secret = secrets.githubSecret;
      if (secret === undefined) return notConfigured(reply, 'GitHub', 'SLIPWAY_GITHUB_WEBHOOK_SECRET');
      return handle(ctx, receiveGitHubWebhook(secret, webhookRequest(request, bodyLimit)), reply);
    });
    scope.post('/api/v1/webhooks/gitlab', { bodyLimit }, async (request, reply) => {
      const token = secrets.gitlabToken;
      if (token === undefined) return notConfigured(reply, 'GitLab', 'SLIPWAY_GITLAB_WEBHOOK_TOKEN');
      return handle(ctx, receiveGitLabWebhook(token, webhookRequest(request, bodyLimit)), reply);
    });
  });
}

function webhookRequest(request: FastifyRequest, maxBytes: number): WebhookRequest {
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return { headers: request.headers, rawBody, maxBytes };
}

function notConfigured(reply: FastifyReply, provider: string, variable: string) {
  // unavailable, not failed_precondition: the status follows the one code → status mapping (503).
  void reply.status(httpStatusFor(ErrorCode.unavailable));
  return {
    error: {
      code: ErrorCode.unavailable,
      message: `${provider} webhooks are not configured on this server: set ${variable} to the webhook's secret and restart`,
      details: {},
    },
  };
}

async function handle(ctx: AgentRoutesContext, received: ReceivedWebhook, reply: FastifyReply) {
  if (received.result.kind === 'ignored') {
    void reply.status(202);
    return { ignored: received.result.reason };
  }
  const event = received.result.event;
  const project = findProjectForEvent(await listProjectsWithRepo(ctx.db), event);
  // Read before the delivery's transaction: it holds the delivery's row lock while the run is created.
  const read = await readPipelineFromCommit({
    repoUrl: project.repoUrl,
    commitSha: event.commitSha,
    cacheDir: ctx.mirrorCacheDir,
    label: `${event.kind} to ${event.ref}`,
  });
  const match = matchesTrigger(read.pipeline.trigger, event);
  if (!match.match) {
    void reply.status(202);
    return { skipped: match.reason };
  }
  let created: { id: number; number: number } | undefined;
  const recorded = await createRunForDelivery(
    ctx.db,
    { provider: received.provider, deliveryId: received.deliveryId, projectId: project.id },
    async (tx) => {
      const { run } = await enqueueRun(tx, ctx.clock, {
        projectId: project.id,
        ref: runRef(event),
        commitSha: event.commitSha,
        trigger: event.kind,
        // Gates never let the author approve their own change; providers say 'unknown' when they cannot tell.
        author: event.sender === 'unknown' ? null : event.sender,
        plan: read.plan,
        ...runScheduling(read.plan, { project: project.name, ref: runRef(event) }),
      });
      created = { id: run.id, number: run.number };
      return run.id;
    },
  );
  if (recorded.firstTime && created !== undefined) {
    ctx.dispatcher.wake();
    void reply.status(201);
    return { runId: created.id, number: created.number, commitSha: event.commitSha, trigger: event.kind, reason: match.reason };
  }
  // A redelivery (the provider's retry, or a replay): the run its first receipt started.
  void reply.status(200);
  return { duplicate: true, runId: recorded.runId ?? null };
}

/** What the run shows as its ref: the branch or tag name, as a manual run does; a pull request's own ref. */
function runRef(event: TriggerEvent): string {
  if (event.kind === 'pull_request') return event.ref;
  return event.branch ?? event.tag ?? event.ref;
}

/**
 * The project whose repo_url names the event's repository: compared with the payload's clone URL
 * after normalising (scheme, `git@host:` form, `.git`, case of the host), or else — when exactly one
 * project matches — by the repository's full name (`acme/web`) at the end of its URL path.
 */
export function findProjectForEvent<P extends Pick<Project, 'id' | 'name'> & { repoUrl: string }>(
  projects: readonly P[],
  event: Pick<TriggerEvent, 'repoUrl' | 'repoFullName'>,
): P {
  const wanted = normalizeRepoUrl(event.repoUrl);
  const byUrl = projects.find((project) => normalizeRepoUrl(project.repoUrl) === wanted);
  if (byUrl !== undefined) return byUrl;
  const fullName = event.repoFullName.replace(/\.git$/, '').toLowerCase();
  const byName = projects.filter((project) => repoPath(project.repoUrl) === fullName);
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  if (byName.length > 1) {
    throw new AppError(
      ErrorCode.conflict,
      `${byName.length} projects (${byName.map((p) => p.name).join(', ')}) have a repository named ${event.repoFullName}; none has the URL ${event.repoUrl}`,
    );
  }
  throw new AppError(
    ErrorCode.notFound,
    `no project has the repository ${event.repoUrl} (${event.repoFullName}): create the project first with POST /api/v1/runs and its repoUrl`,
    { details: { repoUrl: event.repoUrl, repoFullName: event.repoFullName } },
  );
}

/** `https://GitHub.com/acme/web.git/`, `git@github.com:acme/web`, `ssh://git@github.com/acme/web` → `github.com/acme/web`. */
export function normalizeRepoUrl(url: string): string {
  let text = url.trim();
  const scp = /^[^/@:]+@([^/:]+):(?!\/)(.*)$/.exec(text);
  if (scp !== null) text = `${scp[1]}/${scp[2]}`;
  else {
    const parsed = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/]+)(\/.*)?$/i.exec(text);
    if (parsed !== null) text = `${parsed[1]?.replace(/:\d+$/, '')}${parsed[2] ?? ''}`;
  }
  text = text.replace(/\/+$/, '').replace(/\.git$/, '');
  const slash = text.indexOf('/');
  return slash < 0 ? text.toLowerCase() : `${text.slice(0, slash).toLowerCase()}${text.slice(slash)}`;
}

function repoPath(url: string): string {
  const normalized = normalizeRepoUrl(url);
  const slash = normalized.indexOf('/');
  return (slash < 0 ? normalized : normalized.slice(slash + 1)).toLowerCase();
}
