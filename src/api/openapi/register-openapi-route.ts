import type { FastifyInstance } from 'fastify';
import type { ApiOperation } from './api-operation.js';
import { apiOperations } from './api-operations.js';
import { buildOpenApiDocument, type OpenApiDocument } from './build-openapi-document.js';

export interface RegisteredRoute {
  method: string;
  /** As registered: `/api/v1/runs/:id`. */
  url: string;
}

export interface OpenApiRouteOptions {
  version: string;
  /** Default apiOperations. */
  operations?: readonly ApiOperation[];
}

const registeredRoutes = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/** The routes registered on `app` after registerOpenApiRoute (HEAD routes Fastify adds for GETs left out). */
export function listRegisteredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registeredRoutes.get(app) ?? [];
}

/**
 * GET /api/v1/openapi.json: the documented operations this server registered (a server without
 * deployments does not advertise them). Call it before any other route: it records the routes
 * registered after it, including those of encapsulated plugins.
 */
export function registerOpenApiRoute(app: FastifyInstance, options: OpenApiRouteOptions): void {
  const routes: RegisteredRoute[] = [];
  registeredRoutes.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  let document: OpenApiDocument | undefined;
  app.get('/api/v1/openapi.json', async () => {
    // Built on first request: every route is registered by then (the server is ready).
    document ??= buildOpenApiDocument({
      version: options.version,
      operations: (options.operations ?? apiOperations).filter((operation) =>
        routes.some((route) => route.method === operation.method && route.url === operation.path),
      ),
    });
    return document;
  });
}
