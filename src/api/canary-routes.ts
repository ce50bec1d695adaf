import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import { type CanaryService, type DecisionRecord, getDecision, getRollout, listDecisions, maxListDecisionsLimit, parsePolicy, registerTelemetryRoutes } from '../canary/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { parseBody } from './agents/parse-body.js';
import { teamIdsWithRole } from '../identity/index.js';
import { requireRequestAccess, visibleTeamsOf } from './auth/request-access.js';
import { readRequestIdentity } from './request-identity.js';

export interface CanaryRouteDeps {
  canary: CanaryService;
  /** Longest a `wait=1` decisions request is held open with nothing to return. Default 25 s. */
  maxWaitMs?: number;
}

const yamlTypes = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];
export const decisionsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  rollout: z.string().min(1).max(128).optional(),
  service: z.string().min(1).max(200).optional(),
  wait: z.enum(['0', '1', 'true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(maxListDecisionsLimit).default(100),
});
export const sequenceParams = z.object({ sequence: z.coerce.number().int().positive() });
export const rolloutParams = z.object({ id: z.string().min(1).max(128) });
export const policyQuery = z.object({ rollout: z.string().min(1).max(128).optional() });

/**
 * The canary control plane over HTTP: telemetry intake (POST /api/v1/telemetry), the policy new
 * rollouts pin (GET/PUT /api/v1/canary/policy), decisions — listed, or long-polled with `wait=1` so
 * `slipway rollouts watch` streams them without gRPC — and one decision or rollout by id.
 */
export function registerCanaryRoutes(app: FastifyInstance, deps: CanaryRouteDeps): void {
  const { canary } = deps;
  const maxWaitMs = deps.maxWaitMs ?? 25_000;
  /** Another team's rollout answers exactly as a missing one. */
  const readVisibleRollout = async (request: FastifyRequest, id: string) => {
    const rollout = await getRollout(canary.db, id, visibleTeamsOf(request));
    if (!rollout) throw new AppError(ErrorCode.notFound, `no rollout ${id}: a canary deployment's rollout is named deployment-<deployment id>`);
    return rollout;
  };
  // Telemetry feeds the rollouts of the teams where the caller may deploy (developer or above).
  registerTelemetryRoutes(app, { ingestor: canary.ingestor, callerOf: (request) => ({ teams: teamIdsWithRole(requireRequestAccess(request).principal, 'developer') }) });

  app.get('/api/v1/canary/policy', async () => {
    const policy = canary.currentPolicy();
    return { policy: { name: policy.name, version: policy.version } };
  });

  void app.register(async (scope) => {
    scope.addContentTypeParser(yamlTypes, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.put('/api/v1/canary/policy', async (request) => {
      const { rollout } = parseBody(policyQuery, request.query, 'policy query');
      if (typeof request.body !== 'string' || request.body.trim() === '') {
        throw new AppError(ErrorCode.invalidArgument, 'send the policy YAML as the body, with content-type application/yaml or text/plain');
      }
      if (rollout !== undefined && !canary.engine.hasRollout(rollout)) {
        throw new AppError(ErrorCode.notFound, `rollout ${rollout} is not running in this server's canary engine: omit ?rollout= to set the policy of new rollouts`);
      }
      // Checked first, then recorded, then applied: a policy never changes without its audit entry.
      const checked = parsePolicy(request.body, 'api');
      if (!checked.ok) {
        const problems = checked.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`);
        throw new AppError(ErrorCode.invalidArgument, `the policy is invalid:\n${problems.join('\n')}`, { details: { problems: checked.diagnostics } });
      }
      const before = canary.currentPolicy();
      await appendAuditEntry(canary.db, {
        ...readRequestIdentity(request),
        action: 'policy.set',
        subject: { type: 'policy', id: rollout === undefined ? 'new-rollouts' : `rollout/${rollout}` },
        // The pinned policy of new rollouts before; a rollout's own was that or an earlier one.
        before: rollout === undefined ? { name: before.name, version: before.version } : null,
        after: { name: checked.policy.name, version: checked.policy.version, source: request.body },
      });
      const result = canary.setPolicy(request.body, rollout === undefined ? {} : { rolloutId: rollout });
      if (!result.ok) throw new AppError(ErrorCode.internal, 'the policy checked a moment ago was refused when applied');
      return { policy: { name: result.policy.name, version: result.policy.version }, appliesTo: rollout === undefined ? 'new rollouts' : `rollout ${rollout}` };
    });
  });

  app.get('/api/v1/canary/decisions', async (request, reply) => {
    const query = parseBody(decisionsQuery, request.query, 'decisions query');
    const filter = { ...(query.rollout ? { rolloutId: query.rollout } : {}), ...(query.service ? { service: query.service } : {}) };
    // Only rollouts of the caller's teams' projects; another team's are left out as if they did not exist.
    const teams = visibleTeamsOf(request);
    const list = () => listDecisions(canary.db, { ...filter, teams, afterSequence: query.after, limit: query.limit });
    const wait = query.wait === '1' || query.wait === 'true';
    let decisions: DecisionRecord[];
    if (!wait) {
      decisions = await list();
    } else {
      // The doorbell before the first read: a decision committed during the read rings it.
      const wakeup = canary.notifier.listen(filter);
      const gone = new AbortController();
      const onClose = () => gone.abort();
      reply.raw.once('close', onClose);
      try {
        const deadline = Date.now() + maxWaitMs;
        decisions = await list();
        while (decisions.length === 0 && !gone.signal.aborted && Date.now() < deadline) {
          // Bounded by 1 s: decisions of another replica arrive without a notice when there is no relay.
          await wakeup.wait(Math.min(1000, deadline - Date.now()), gone.signal);
          decisions = await list();
        }
      } finally {
        wakeup.close();
        reply.raw.off('close', onClose);
      }
    }
    return { decisions, next: decisions.at(-1)?.sequence ?? query.after };
  });

  app.get('/api/v1/canary/decisions/:sequence', async (request) => {
    const { sequence } = parseBody(sequenceParams, request.params, 'decision path');
    const decision = await getDecision(canary.db, sequence, visibleTeamsOf(request));
    if (!decision) throw new AppError(ErrorCode.notFound, `no decision ${sequence}: list them with \`slipway rollouts watch\``);
    return { decision };
  });

  app.get('/api/v1/canary/rollouts/:id/series', async (request) => {
    const { id } = parseBody(rolloutParams, request.params, 'rollout path');
    await readVisibleRollout(request, id);
    const series = canary.engine.readSeries(id);
    return { rolloutId: id, windowEndMs: series?.windowEndMs ?? null, tracks: series?.tracks ?? {} };
  });

  app.get('/api/v1/canary/rollouts/:id', async (request) => {
    const { id } = parseBody(rolloutParams, request.params, 'rollout path');
    const rollout = await readVisibleRollout(request, id);
    const engine = canary.engine.readRollout(id);
    return { rollout, engine: engine === undefined ? null : { step: engine.step, state: engine.state, stepStartedMs: engine.stepStartedMs, policyVersion: engine.policyVersion } };
  });
}
