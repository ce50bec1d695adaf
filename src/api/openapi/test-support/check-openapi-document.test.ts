import { expect, it } from 'vitest';
import { checkOpenApiDocument } from './check-openapi-document.js';

const operation = (operationId: string, extra: Record<string, unknown> = {}) => ({
  operationId,
  summary: 'an operation',
  tags: ['runs'],
  parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
  responses: { 200: { description: 'ok' }, default: { $ref: '#/components/responses/Error' } },
  ...extra,
});
const document = (paths: Record<string, unknown>) => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  tags: [{ name: 'runs' }],
  paths,
  components: { responses: { Error: { description: 'error' } }, securitySchemes: { agentToken: { type: 'http', scheme: 'bearer' } } },
});

it('passes a well-formed document', () => {
  expect(checkOpenApiDocument(document({ '/runs/{id}': { get: operation('getRun', { security: [{ agentToken: [] }] }) } }))).toEqual([]);
});

it('names duplicate operationIds, Fastify paths, undeclared path parameters, tags, schemes and dangling $refs', () => {
  const problems = checkOpenApiDocument(
    document({
      '/runs/{id}': { get: operation('getRun'), post: operation('getRun') },
      '/jobs/:id': { get: operation('getJob', { tags: ['jobs'], security: [{ basic: [] }] }) },
      '/runs/{id}/jobs/{jobId}': { get: operation('listJobs', { responses: { 404: { $ref: '#/components/responses/Missing' } } }) },
    }),
  );
  expect(problems).toEqual([
    'POST /runs/{id}: operationId getRun is used twice',
    '/jobs/:id: Fastify syntax in a path template',
    'GET /jobs/:id: tag jobs is not declared',
    'GET /jobs/:id: path parameter id is not in the path',
    'GET /jobs/:id: security scheme basic is not declared',
    'GET /runs/{id}/jobs/{jobId}: no success response',
    'GET /runs/{id}/jobs/{jobId}: {jobId} has no path parameter',
    '$.paths./runs/{id}/jobs/{jobId}.get.responses.404: $ref #/components/responses/Missing resolves to nothing',
  ]);
});
