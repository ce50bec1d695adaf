import type { FastifyInstance } from 'fastify';
import { type Db, listProjects } from '../store/index.js';

/** Read-only: every project with its newest run, for the web UI's home page and `slipway`-less browsing. */
export function registerProjectRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/v1/projects', async () => ({ projects: await listProjects(db) }));
}
