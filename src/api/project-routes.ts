import type { FastifyInstance } from 'fastify';
import { type Db, listProjects } from '../store/index.js';
import { visibleTeamsOf } from './auth/request-access.js';

/** Read-only: the caller's teams' projects (every project for administrators), each with its newest run. */
export function registerProjectRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/v1/projects', async (request) => ({ projects: await listProjects(db, visibleTeamsOf(request)) }));
}
