/**
 * The document cannot drift from the routes: a server with every optional part enabled registers
 * exactly the documented operations under /api/v1 (a new route without an entry in api-operations.ts
 * fails here), serves that document, and the document passes the structural checks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePglite } from '../../test-support/test-store.js';
import { type FullTestPlatform, startFullTestPlatform } from '../test-support/start-full-test-platform.js';
import type { TestPlatform } from '../test-support/start-test-platform.js';
import { apiOperations } from './api-operations.js';
import { buildOpenApiDocument, toOpenApiPath } from './build-openapi-document.js';
import { listRegisteredRoutes } from './register-openapi-route.js';
import { checkOpenApiDocument } from './test-support/check-openapi-document.js';

const key = (method: string, path: string) => `${method.toUpperCase()} ${toOpenApiPath(path)}`;

describePglite('the OpenAPI document and the routes the server registers', (h) => {
  let full: FullTestPlatform;
  let platform: TestPlatform;

  beforeAll(async () => {
    full = await startFullTestPlatform(h.db, { name: 'openapi-test' });
    platform = full.platform;
  });
  afterAll(async () => {
    await full?.stop();
  });

  it('documents every /api/v1 route the server registers, and every documented operation is registered', () => {
    const registered = new Set(listRegisteredRoutes(platform.app).map((route) => key(route.method, route.url)));
    const documented = new Set(apiOperations.map((operation) => key(operation.method, operation.path)));
    const undocumented = [...registered].filter((route) => route.includes(' /api/v1/') && !documented.has(route));
    const unregistered = [...documented].filter((operation) => !registered.has(operation));
    expect(undocumented, 'routes without an entry in src/api/openapi/operations/').toEqual([]);
    expect(unregistered, 'documented operations no route serves').toEqual([]);
    // The hook saw the whole server, not only its first routes: a sanity floor on what it recorded.
    expect(registered.size).toBeGreaterThanOrEqual(apiOperations.length);
  });

  it('serves the document of every operation at GET /api/v1/openapi.json, structurally sound', async () => {
    const response = await fetch(`${platform.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as Record<string, unknown>;
    const full = JSON.parse(JSON.stringify(buildOpenApiDocument({ version: 'test', operations: apiOperations }))) as Record<string, unknown>;
    expect(served).toEqual(full);
    expect(checkOpenApiDocument(served)).toEqual([]);
  });

  it('marks the agent routes with the agent token scheme, SSE routes as text/event-stream, and errors in the one shape', async () => {
    const document = buildOpenApiDocument({ version: 'test', operations: apiOperations });
    const operation = (method: string, path: string) =>
      document.paths[path]?.[method] as { security?: unknown; parameters: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> };
    expect(operation('post', '/api/v1/jobs/{id}/heartbeat').security).toEqual([{ agentToken: [] }]);
    expect(operation('post', '/api/v1/runs').security).toEqual([{ apiToken: [] }, { session: [] }]);
    expect(operation('get', '/api/v1/health').security).toEqual([]);
    expect(Object.keys(operation('get', '/api/v1/agents/{id}/jobs').responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(Object.keys(operation('get', '/api/v1/jobs/{id}/logs').responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(operation('post', '/api/v1/runs').responses['400']).toEqual({ $ref: '#/components/responses/Error400' });
    expect(operation('get', '/api/v1/runs/{id}').parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, schema: { type: 'integer' } });
    expect(document.components.schemas.Error400).toMatchObject({
      properties: { error: { properties: { code: { enum: ['invalid_argument', 'invalid_pipeline'] } }, required: ['code', 'message', 'details'] } },
    });
    expect(document.components.schemas.Error409).toMatchObject({ properties: { error: { properties: { code: { enum: ['already_exists', 'conflict'] } } } } });
  });
});
