/**
 * Real answers match the document: a run posted, followed to its end by an in-process agent, listed;
 * bad requests answered in the documented error shape; and request bodies the route accepts or
 * refuses are the ones the documented request schema accepts or refuses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePglite } from '../../test-support/test-store.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';
import { apiOperations } from './api-operations.js';
import { buildOpenApiDocument } from './build-openapi-document.js';
import { checkJsonSchema, resolvePointer } from './test-support/check-json-schema.js';

interface ApiError {
  error: { code: string; message: string };
}
interface RunAnswer {
  status: string;
  jobs: { steps: unknown[] }[];
}

const document = buildOpenApiDocument({ version: 'test', operations: apiOperations });
const pipeline = ['name: documented', 'stages:', '  - name: build', '    steps:', '      - { name: hello, run: "echo hello" }', ''].join('\n');

interface DocumentedContent {
  content: Record<string, { schema: unknown }>;
}
interface DocumentedOperation {
  requestBody: DocumentedContent;
  responses: Record<string, DocumentedContent | { $ref: string }>;
}

function operationOf(method: string, path: string): DocumentedOperation {
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not documented`);
  return operation as unknown as DocumentedOperation;
}

/** The JSON schema documented for `status` of an operation (following a shared response's $ref). */
function responseSchema(method: string, path: string, status: number): unknown {
  const response = operationOf(method, path).responses[String(status)];
  if (response === undefined) throw new Error(`${method} ${path} documents no ${status} answer`);
  const resolved = ('$ref' in response ? resolvePointer(document, response.$ref) : response) as DocumentedContent;
  return resolved.content['application/json']?.schema;
}

function requestSchema(method: string, path: string): unknown {
  return operationOf(method, path).requestBody.content['application/json']?.schema;
}

describePglite('answers of the real server match the OpenAPI document', (h) => {
  let workDir: string;
  let platform: TestPlatform;
  /** Fetches `url` and checks the answer against the documented schema of `path` and the answer's status. */
  const call = async <T = ApiError>(method: string, path: string, url: string, init: RequestInit = {}) => {
    const response = await fetch(`${platform.url}${url}`, { method, ...init });
    const body: unknown = await response.json();
    expect(checkJsonSchema(responseSchema(method, path, response.status), body, document), `${method} ${url} → ${response.status} ${JSON.stringify(body)}`).toEqual([]);
    return { status: response.status, body: body as T };
  };
  const post = <T = ApiError>(path: string, url: string, body: unknown) =>
    call<T>('POST', path, url, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-openapi-answers-'));
    platform = await startTestPlatform(h.db, { agent: { name: 'documented', capacity: 1, workDir } });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('a run: started (201), read until it finished, listed, and its project listed, each as documented', async () => {
    const request = { project: 'acme/documented', ref: 'main', pipeline };
    expect(checkJsonSchema(requestSchema('POST', '/api/v1/runs'), request, document)).toEqual([]);
    const started = await post<{ runId: number }>('/api/v1/runs', '/api/v1/runs', request);
    expect(started.status).toBe(201);

    const finished = await waitFor('the run to finish', async () => {
      const read = await call<RunAnswer>('GET', '/api/v1/runs/{id}', `/api/v1/runs/${started.body.runId}`);
      return ['succeeded', 'failed', 'canceled'].includes(read.body.status) ? read.body : undefined;
    });
    expect(finished.status).toBe('succeeded');
    expect(finished.jobs[0]?.steps.length).toBeGreaterThan(0);

    const listed = await call<{ runs: { id: number }[]; next: number | null }>('GET', '/api/v1/runs', '/api/v1/runs?project=acme%2Fdocumented');
    expect(listed.body).toMatchObject({ runs: [{ id: started.body.runId }], next: null });
    // A full page carries the cursor of the next one, which is empty here.
    const paged = await call<{ runs: { id: number }[]; next: number | null }>('GET', '/api/v1/runs', '/api/v1/runs?project=acme%2Fdocumented&limit=1&before=999999999');
    expect(paged.body).toMatchObject({ runs: [{ id: started.body.runId }], next: null });
    const after = await call<{ runs: { id: number }[]; next: number | null }>('GET', '/api/v1/runs', `/api/v1/runs?project=acme%2Fdocumented&before=${started.body.runId}`);
    expect(after.body).toEqual({ runs: [], next: null });
    const projects = await call<{ projects: { name: string }[] }>('GET', '/api/v1/projects', '/api/v1/projects');
    expect(projects.body.projects.map((project) => project.name)).toContain('acme/documented');
    const artifacts = await call<{ artifacts: unknown[] }>('GET', '/api/v1/runs/{id}/artifacts', `/api/v1/runs/${started.body.runId}/artifacts`);
    expect(artifacts.body.artifacts).toEqual([]);
  });

  it('a bad body is refused with 400 in the documented error shape, and the documented request schema refuses it too', async () => {
    const bad = { project: '', ref: 'main', priority: 1000 };
    expect(checkJsonSchema(requestSchema('POST', '/api/v1/runs'), bad, document)).not.toEqual([]);
    const refused = await post('/api/v1/runs', '/api/v1/runs', bad);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('invalid_argument');
    expect(refused.body.error.message).toMatch(/project/);
  });

  it('errors of other kinds answer their documented statuses: bad path (400), unknown run (404), no agent token (401)', async () => {
    expect((await call('GET', '/api/v1/runs/{id}', '/api/v1/runs/abc')).status).toBe(400);
    expect((await call('GET', '/api/v1/runs/{id}', '/api/v1/runs/999999')).status).toBe(404);
    const unauthenticated = await post('/api/v1/agents/register', '/api/v1/agents/register', { name: 'intruder' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error.code).toBe('unauthenticated');
  });

  it('a webhook whose secret is not configured answers 503 unavailable, as documented', async () => {
    const refused = await call('POST', '/api/v1/webhooks/github', '/api/v1/webhooks/github', { headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
  });

  it('the error schemas are not vacuous: a 404 body does not pass as a 400, and a success body does not pass as an error', async () => {
    const missing = await fetch(`${platform.url}/api/v1/runs/999999`);
    const body: unknown = await missing.json();
    expect(checkJsonSchema(responseSchema('GET', '/api/v1/runs/{id}', 400), body, document)).not.toEqual([]);
    expect(checkJsonSchema(responseSchema('GET', '/api/v1/runs/{id}', 404), { runs: [] }, document)).not.toEqual([]);
  });
});
