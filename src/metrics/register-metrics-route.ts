import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * GET /metrics in the Prometheus text format. Unauthenticated like /healthz: it carries counts and
 * environment names, no secrets; restrict it at the network edge where that is too much.
 */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.scrape();
    void reply.type(metrics.contentType);
    return body;
  });
}
