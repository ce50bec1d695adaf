import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type AgentRouteDeps, registerAgentRoutes } from './agents/register-agent-routes.js';
import { toErrorBody } from './http-status.js';
import { registerListRunsRoute } from './list-runs-route.js';
import { registerWebUi } from './ui/register-web-ui.js';
import { registerWebhookRoutes, type WebhookSecrets } from './webhook-routes.js';
import { registerSecretRoutes } from './secret-routes.js';
import { registerEnvironmentRoutes } from './environment-routes.js';
import { type DeploymentRouteDeps, registerDeploymentRoutes } from './deployment-routes.js';
import { type CanaryRouteDeps, registerCanaryRoutes } from './canary-routes.js';
import { type Metrics, registerMetricsRoute } from '../metrics/index.js';
import { type NotificationRouteDeps, registerNotificationRoutes } from './notification-routes.js';
import { registerOpenApiRoute } from './openapi/register-openapi-route.js';
import { registerAccessControl } from './auth/register-access-control.js';
import { createAgentTokenCache } from './auth/agent-token-cache.js';
import { systemClock } from '../clock/clock.js';
import { type IdentityRouteDeps, registerIdentityRoutes } from './identity-routes.js';
import { type DemoRouteDeps, registerDemoRoutes } from './demo-routes.js';

export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

export interface ServerOptions {
  version: string;
  logger: FastifyBaseLogger;
  /** Checks the dependencies (store, ...) for readiness; must not throw. */
  checkHealth: () => Promise<HealthReport>;
  /** Agents, jobs and runs (registerAgentRoutes); without it the server only serves health and the page. */
  agents?: AgentRouteDeps;
  /** Webhook secrets (POST /api/v1/webhooks/*, served with `agents`); an unset one answers 503. */
  webhooks?: WebhookSecrets;
  /** Deployments (registerDeploymentRoutes); without it the deployment routes answer 404. */
  deployments?: DeploymentRouteDeps;
  /** The canary control plane (telemetry intake, policy, decisions); without it those routes answer 404. */
  canary?: CanaryRouteDeps;
  /** Served at GET /metrics and recorded by the agent routes; without it /metrics answers 404. */
  metrics?: Metrics;
  /** Notification webhooks and deliveries (registerNotificationRoutes); without it those routes answer 404. */
  notifications?: NotificationRouteDeps;
  /**
   * Who may call what: every route's documented access is checked against the caller's API token or
   * session (src/api/auth), and the people, team and token routes are served. Without it every route
   * that is not public answers 503.
   */
  identity?: IdentityRouteDeps;
  /** The web UI's demo button (POST/GET /api/v1/demo); without it those routes answer 404. */
  demo?: DemoRouteDeps;
}

export function createServer(options: ServerOptions): FastifyInstance {
  // Per-request info lines would drown the useful ones; request errors are logged by the handler.
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: `no route for ${request.method} ${request.url}`, details: {} },
    });
  });

  // First: it records every route registered after it, and documents those.
  registerOpenApiRoute(app, { version: options.version });
  const agentTokens = createAgentTokenCache(options.identity?.clock ?? systemClock);
  registerAccessControl(app, options.identity ? { ...options.identity, agentTokens } : undefined);
  if (options.identity) registerIdentityRoutes(app, options.identity);

  // Liveness: the process serves HTTP. Readiness and dependencies are /api/v1/health.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/v1/health', async (_request, reply) => {
    const { ok, ...report } = await options.checkHealth();
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', version: options.version, ...report };
  });

  registerWebUi(app, { version: options.version, ...(options.agents ? { db: options.agents.db } : {}) });

  if (options.metrics) registerMetricsRoute(app, options.metrics);

  if (options.agents) {
    const agents = { ...options.agents, agentTokens, ...(options.metrics ? { metrics: options.agents.metrics ?? options.metrics } : {}) };
    const agentContext = registerAgentRoutes(app, agents, options.logger);
    registerWebhookRoutes(app, agentContext, options.webhooks ?? {});
    registerListRunsRoute(app, options.agents.db);
    if (options.agents.secretCrypto) registerSecretRoutes(app, { db: options.agents.db, crypto: options.agents.secretCrypto });
    registerEnvironmentRoutes(app, { db: options.agents.db, clock: options.agents.clock });
  }
  if (options.deployments) registerDeploymentRoutes(app, options.deployments);
  if (options.canary) registerCanaryRoutes(app, options.canary);
  if (options.notifications) registerNotificationRoutes(app, options.notifications);
  if (options.demo) registerDemoRoutes(app, options.demo);

  return app;
}
