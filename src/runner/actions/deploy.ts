import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createFailure, type Failure } from '../failure.js';
import type { Action, ActionContext, ActionOutcome } from './action.js';
import type { DeployStepClient, DeployStepDeployment, DeployStepRequest } from './deploy-step-client.js';
import { describeAppliedAction, describeDeploymentFailure, describeRolloutEvent } from './describe-deployment-progress.js';
import { sleep } from '../../clock/sleep.js';

export interface DeployActionOptions {
  /** The server side; absent in a local run, where the step fails saying deployments need a server. */
  client?: DeployStepClient;
  /** Between two reads of the deployment. Default 500 ms: progress shows within half a second. */
  pollMs?: number;
  /** Network errors and 5xx are retried this long before the step fails (infra). Default 60 000 ms. */
  outageMs?: number;
}

const inputs = ['service', 'strategy', 'version', 'dir', 'artifact'] as const;
const finished = new Set(['succeeded', 'failed', 'aborted', 'superseded']);

/**
 * `uses: deploy` — deploys the job's release to the job's `environment:` through the server's deploy
 * controller, then follows the deployment until it ends, writing its progress into the job's log.
 * The environment's gate was already passed before the job was claimed, so the deployment is not gated
 * again. Submitting is idempotent per job step: a retried call or a re-run attempt of the same job finds
 * the same deployment instead of deploying twice. A canceled job (or a timed-out step) aborts it.
 */
export function createDeployAction(options: DeployActionOptions = {}): Action {
  return { name: 'deploy', run: (ctx) => deploy(ctx, options) };
}

async function deploy(ctx: ActionContext, options: DeployActionOptions): Promise<ActionOutcome> {
  const fail = (kind: Failure['kind'], message: string): ActionOutcome => ({ ok: false, failure: createFailure(kind, `deploy: ${message}`) });
  const client = options.client;
  if (!client) {
    return fail(
      'user',
      `step '${ctx.step.name}' deploys, and deployments need a server: start one with \`slipway up\` and run the pipeline there (\`slipway trigger\`); \`slipway run\` has no deploy controller`,
    );
  }
  const given = ctx.step.with;
  const unknown = Object.keys(given).filter((key) => !(inputs as readonly string[]).includes(key));
  if (unknown.length > 0) return fail('user', `unknown input(s) ${unknown.join(', ')} in with:; the inputs are ${inputs.join(', ')}`);
  if (client.environment === undefined) {
    return fail('user', `step '${ctx.step.name}' is in a job without \`environment:\`; add \`environment: <name>\` to the job so its protection rules apply before it runs`);
  }
  if (!given['service']) return fail('user', 'with: service is required: the path of the service spec (YAML) in the workspace, e.g. deploy/service.yml');
  if (given['dir'] !== undefined && given['artifact'] !== undefined) {
    return fail('user', 'give the release files as either with: dir (a directory of the workspace) or with: artifact (a needed job\'s artifact), not both');
  }

  let request: DeployStepRequest;
  try {
    const service = await readSpec(ctx.workspaceDir, given['service'], 'service');
    const strategy = given['strategy'] ? await readSpec(ctx.workspaceDir, given['strategy'], 'strategy') : undefined;
    request = {
      stepIndex: ctx.step.index,
      service,
      ...(strategy === undefined ? {} : { strategy }),
      ...(given['version'] ? { version: given['version'] } : {}),
      release: given['artifact'] ? { artifact: given['artifact'] } : { dir: await resolveReleaseDir(ctx.workspaceDir, given['dir'] ?? '.') },
    };
  } catch (error) {
    return fail('user', (error as Error).message);
  }

  const submitted = await withRetries(() => client.submit(request), ctx.signal, options.outageMs ?? 60_000, options.pollMs ?? 500);
  if (!submitted.ok) return fail(submitted.retryable ? 'infra' : 'user', `the server refused the deployment: ${submitted.message}`);
  const first = submitted.deployment;
  ctx.log(
    `deployment ${first.id}: ${first.service} ${first.version} to ${first.environment}` +
      (submitted.created ? '' : ' (already submitted by an earlier attempt of this step; following it)'),
  );
  return follow(ctx, client, first, options);
}

/** Writes the deployment's progress into the job's log until it ends; its ending is the step's. */
async function follow(ctx: ActionContext, client: DeployStepClient, first: DeployStepDeployment, options: DeployActionOptions): Promise<ActionOutcome> {
  const pollMs = options.pollMs ?? 500;
  let deployment = first;
  let status = '';
  let actionsSeen = 0;
  let eventsSeen = 0;
  for (;;) {
    // Actions first: a fast rollout may have ended between two polls, and its ending reads last.
    for (const applied of deployment.actions.slice(actionsSeen)) {
      const line = describeAppliedAction(applied.action);
      if (line) ctx.log(`deployment ${deployment.id}: ${line}`);
    }
    actionsSeen = Math.max(actionsSeen, deployment.actions.length);
    for (const event of deployment.events.slice(eventsSeen)) {
      const line = describeRolloutEvent(event);
      if (line) ctx.log(`deployment ${deployment.id}: ${line}`);
    }
    eventsSeen = Math.max(eventsSeen, deployment.events.length);
    if (deployment.status !== status) {
      status = deployment.status;
      const gate = status === 'waiting_approval' && deployment.gateRequestId !== null ? ` (approve with \`slipway approve ${deployment.gateRequestId}\`)` : '';
      ctx.log(`deployment ${deployment.id}: ${status}${gate}`);
    }
    if (finished.has(deployment.status)) break;
    if (!(await sleep(pollMs, ctx.signal))) return abandon(ctx, client, deployment.id);
    const read = await withRetries(() => client.read(deployment.id), ctx.signal, options.outageMs ?? 60_000, pollMs);
    if (ctx.signal.aborted) return abandon(ctx, client, deployment.id);
    if (!read.ok) {
      return { ok: false, failure: createFailure('infra', `deploy: could not follow deployment ${deployment.id} (it may still be running): ${read.message}`) };
    }
    deployment = read.deployment;
  }
  if (deployment.status === 'succeeded') return { ok: true };
  const message = describeDeploymentFailure(deployment);
  ctx.log(message);
  const kind = deployment.status === 'failed' ? (deployment.failure?.kind === 'infra' ? 'infra' : 'user') : 'canceled';
  return { ok: false, failure: createFailure(kind, `deploy: ${message}`) };
}

/** The job was canceled or the step timed out: the deployment must not go on without anyone watching. */
async function abandon(ctx: ActionContext, client: DeployStepClient, id: number): Promise<ActionOutcome> {
  const answer = await client.abort(id, `job step '${ctx.step.name}' was canceled or timed out`).catch((error: unknown) => ({
    ok: false as const,
    retryable: true,
    message: (error as Error).message,
  }));
  ctx.log(answer.ok ? `deployment ${id}: abort requested (${answer.deployment.status})` : `deployment ${id}: the abort was refused: ${answer.message}`);
  return { ok: false, failure: createFailure('canceled', `deploy: deployment ${id} was aborted because the step was canceled`) };
}

/** Reads a YAML spec of the workspace; accepts both the bare spec and one wrapped in its key (as `slipway deploy`). */
async function readSpec(workspaceDir: string, file: string, what: 'service' | 'strategy'): Promise<unknown> {
  const full = insideWorkspace(workspaceDir, file, `with: ${what}`);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${what} spec ${file} (with: ${what}, relative to the workspace): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && what in value) {
    return (value as Record<string, unknown>)[what];
  }
  return value;
}

async function resolveReleaseDir(workspaceDir: string, dir: string): Promise<string> {
  const full = insideWorkspace(workspaceDir, dir, 'with: dir');
  const info = await stat(full).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`with: dir ${JSON.stringify(dir)} is not a directory of the workspace`);
  return full;
}

/** Paths of `with:` are the pipeline author's and relative to the workspace; they may not leave it. */
function insideWorkspace(workspaceDir: string, file: string, what: string): string {
  const full = path.resolve(workspaceDir, file);
  const relative = path.relative(workspaceDir, full);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new Error(`${what} ${JSON.stringify(file)} is outside the workspace`);
  return full;
}

/** One call, retried through network errors and 5xx for a while; a refusal (4xx) is final. */
async function withRetries<T extends { ok: boolean }>(
  call: () => Promise<T | { ok: false; retryable: boolean; message: string }>,
  signal: AbortSignal,
  outageMs: number,
  pollMs: number,
): Promise<T | { ok: false; retryable: boolean; message: string }> {
  const giveUpAt = Date.now() + outageMs;
  for (;;) {
    const answer = await call().catch((error: unknown) => ({ ok: false as const, retryable: true, message: (error as Error).message }));
    if (answer.ok || !('retryable' in answer) || !answer.retryable) return answer;
    if (Date.now() >= giveUpAt || !(await sleep(pollMs, signal))) return answer;
  }
}
