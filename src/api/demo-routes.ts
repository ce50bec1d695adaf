import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock/clock.js';
import type { DemoRun, DemoRunner } from '../demo/demo-runner.js';
import { issueToken } from '../identity/index.js';
import type { Db } from '../store/db.js';
import { requireRequestAccess } from './auth/request-access.js';

export interface DemoRouteDeps {
  db: Db;
  clock: Clock;
  runner: DemoRunner;
}

/** How long the token a demo acts with lasts: longer than any demo, short enough not to matter later. */
const demoTokenLifetimeMs = 60 * 60_000;

/**
 * POST /api/v1/demo starts `slipway demo` against this server (the web UI's button); GET shows its
 * output as it goes. Administrators only: the demo sets the canary policy and creates environments.
 */
export function registerDemoRoutes(app: FastifyInstance, deps: DemoRouteDeps): void {
  app.post('/api/v1/demo', async (request, reply) => {
    const { principal } = requireRequestAccess(request);
    const nowMs = deps.clock.now();
    const token = await issueToken(deps.db, { kind: 'user', userId: principal.userId, name: 'demo from the web UI', createdBy: principal.user, nowMs, expiresAtMs: nowMs + demoTokenLifetimeMs });
    const run = deps.runner.start({ startedBy: principal.user, token: token.secret });
    void reply.status(202);
    return { demo: present(run) };
  });

  app.get('/api/v1/demo', async () => {
    const run = deps.runner.read();
    return { demo: run ? present(run) : null };
  });
}

function present(run: DemoRun) {
  return { ...run, lines: [...run.lines] };
}
