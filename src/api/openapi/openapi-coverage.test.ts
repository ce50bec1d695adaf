/**
 * The document cannot drift from the routes: a server with every optional part enabled registers
 * exactly the documented operations under /api/v1 (a new route without an entry in api-operations.ts
 * fails here), serves that document, and the document passes the structural checks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { type Bus, createBus } from '../../bus/index.js';
import { type CanaryService, parsePolicy, startCanaryService } from '../../canary/index.js';
import { fastPolicyYaml } from '../../canary/test-support/fast-policy.js';
import { systemClock } from '../../clock/clock.js';
import type { DeployController } from '../../deploy/controller/index.js';
import { createTestDeployController } from '../../deploy/controller/test-support/test-controller.js';
import { createMetrics } from '../../metrics/index.js';
import { createDemoRunner } from '../../demo/demo-runner.js';
import { createSecretCrypto } from '../../secrets/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { apiOperations } from './api-operations.js';
import { buildOpenApiDocument, toOpenApiPath } from './build-openapi-document.js';
import { listRegisteredRoutes } from './register-openapi-route.js';
import { checkOpenApiDocument } from './test-support/check-openapi-document.js';

const policy = parsePolicy(fastPolicyYaml({ name: 'openapi-test', maxErrorRate: 0.05 }), 'test');
const key = (method: string, path: string) => `${method.toUpperCase()} ${toOpenApiPath(path)}`;

describePglite('the OpenAPI document and the routes the server registers', (h) => {
  let dir: string;
  let bus: Bus;
  let canary: CanaryService;
  let controller: DeployController;
  let platform: TestPlatform;

  beforeAll(async () => {
    if (!policy.ok) throw new Error('the test policy is invalid');
    dir = await mkdtemp(join(tmpdir(), 'slipway-openapi-'));
    const blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
    bus = await createBus({ kind: 'memory' });
    const metrics = createMetrics({ db: h.db });
    canary = await startCanaryService({ db: h.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: policy.policy, metrics });
    controller = createTestDeployController(dir, { db: h.db, blobs: blobStore });
    platform = await startTestPlatform(h.db, {
      blobStore,
      metrics,
      canary: { canary },
      deployments: { db: h.db, controller },
      secretCrypto: createSecretCrypto({ key: randomBytes(32) }),
      webhooks: { githubSecret: 'gh', gitlabToken: 'gl' },
      notifications: { db: h.db, clock: systemClock },
      // A demo pointed at a closed port: starting it is real, and it ends at once, reaching nothing.
      demo: createDemoRunner({ clock: systemClock, serverUrl: () => 'http://127.0.0.1:9', workDir: join(dir, 'demo') }),
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await controller?.close();
    await canary?.close();
    await bus?.close();
    await rm(dir, { recursive: true, force: true });
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
