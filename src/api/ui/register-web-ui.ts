import type { FastifyInstance } from 'fastify';
import type { Db } from '../../store/index.js';
import { registerProjectRoutes } from '../project-routes.js';
import { registerUiRoutes, type UiRouteOptions } from './register-ui-routes.js';

/**
 * Everything the web UI needs from the server beyond the existing API: its pages and assets, and
 * the read-only routes only the UI lists (projects). One call from createServer.
 */
export function registerWebUi(app: FastifyInstance, options: UiRouteOptions & { db?: Db }): void {
  registerUiRoutes(app, options);
  if (options.db) registerProjectRoutes(app, options.db);
}
