import { z } from 'zod';
import { ErrorCode } from '../../errors/app-error.js';
import { httpStatusFor } from '../http-status.js';
import { type ApiAccess, type ApiOperation, type ApiResponse, apiTags } from './api-operation.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

export interface BuildOpenApiOptions {
  /** The server's version, as info.version. */
  version: string;
  operations: readonly ApiOperation[];
}

/** `/api/v1/runs/:id` → `/api/v1/runs/{id}`; a trailing wildcard `*` becomes `{path}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}');
}

/** Every error status the API answers with, and the codes that produce it (http-status.ts). */
export function errorCodesByStatus(): Map<number, string[]> {
  const byStatus = new Map<number, string[]>();
  for (const code of Object.values(ErrorCode)) {
    const status = httpStatusFor(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function errorSchema(codes: readonly string[]): JsonSchema {
  return {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: { code: { type: 'string', enum: [...codes] }, message: { type: 'string' }, details: { type: 'object' } },
        required: ['code', 'message', 'details'],
        additionalProperties: false,
      },
    },
    required: ['error'],
    additionalProperties: false,
  };
}

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (schema === undefined) return [];
  const json = toJsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof description === 'string' ? { description } : {}),
    schema: property,
  }));
}

function content(response: Pick<ApiResponse, 'contentType' | 'schema'>, contentTypes: readonly string[], io: 'input' | 'output') {
  const schema = response.schema === undefined ? {} : toJsonSchema(response.schema, io);
  return Object.fromEntries(contentTypes.map((type) => [type, { schema }]));
}

function errorStatuses(operation: ApiOperation): number[] {
  const statuses = new Set(operation.errors ?? []);
  if (operation.params || operation.query || operation.body) statuses.add(400);
  const { access } = operation;
  if (access.kind !== 'public') statuses.add(401);
  if (access.kind === 'admin' || access.kind === 'project') statuses.add(403);
  if (access.kind === 'project') statuses.add(404);
  return [...statuses].sort((a, b) => a - b);
}

function buildOperation(operation: ApiOperation, knownErrorStatuses: ReadonlyMap<number, string[]>): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = {
      description: response.description,
      ...(status === '204' ? {} : { content: content(response, [response.contentType ?? 'application/json'], 'output') }),
    };
  }
  for (const status of errorStatuses(operation)) {
    if (!knownErrorStatuses.has(status)) throw new Error(`${operation.operationId} lists error status ${status}, which no error code maps to (http-status.ts)`);
    responses[String(status)] ??= { $ref: `#/components/responses/Error${status}` };
  }
  responses.default = { $ref: '#/components/responses/Error' };
  const headers = (operation.headers ?? []).map((header) => ({
    name: header.name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: { type: 'string' },
  }));
  const body = operation.body;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    tags: [operation.tag],
    parameters: [
      ...parameters(operation.params, 'path'),
      ...parameters(operation.query, 'query'),
      ...headers,
    ],
    ...(body === undefined
      ? {}
      : {
          requestBody: {
            required: body.required ?? true,
            ...(body.description === undefined ? {} : { description: body.description }),
            content: content({ schema: body.schema }, body.contentTypes ?? ['application/json'], 'input'),
          },
        }),
    responses,
    'x-slipway-access': describeAccess(operation.access),
    security: securityOf(operation.access),
  };
}

function securityOf(access: ApiAccess): Record<string, string[]>[] {
  if (access.kind === 'public') return [];
  if (access.kind === 'agent') return [{ agentToken: [] }];
  return [{ apiToken: [] }, { session: [] }];
}

/** Who may call it, in words: also the `x-slipway-access` extension of each operation. */
export function describeAccess(access: ApiAccess): string {
  switch (access.kind) {
    case 'public':
      return 'anyone';
    case 'agent':
      return 'build agents (agent token)';
    case 'user':
      return 'any signed-in person (what it shows is limited to their teams where it lists projects)';
    case 'admin':
      return 'administrators';
    case 'project':
      return `${access.role} or above in the team owning the project${access.creates ? ' (a missing project is created in the caller\'s team)' : ''}`;
  }
}

/**
 * The OpenAPI 3.1 document of the given operations: request schemas are the routes' own zod schemas
 * (z.toJSONSchema, input side), errors the one shape of http-status.ts with the codes of app-error.ts.
 */
export function buildOpenApiDocument(options: BuildOpenApiOptions): OpenApiDocument {
  const byStatus = errorCodesByStatus();
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of options.operations) {
    const path = toOpenApiPath(operation.path);
    const item = paths[path] ?? {};
    paths[path] = item;
    const method = operation.method.toLowerCase();
    if (item[method]) throw new Error(`${operation.method} ${operation.path} is documented twice`);
    item[method] = buildOperation(operation, byStatus);
  }
  const usedTags = new Set(options.operations.map((operation) => operation.tag));
  const schemas: Record<string, JsonSchema> = { Error: errorSchema(Object.values(ErrorCode)) };
  const responses: OpenApiDocument['components']['responses'] = {
    Error: { description: 'An error: {error: {code, message, details}}.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  };
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    schemas[`Error${status}`] = errorSchema(codes);
    responses[`Error${status}`] = {
      description: `An error with code ${codes.join(' or ')}.`,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/Error${status}` } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Slipway API',
      version: options.version,
      description:
        "Everything the slipway CLI does. Every error answers {error: {code, message, details}}. People send an API token (`Authorization: Bearer slp_…`) or use the web UI's session cookie, whose changes also send x-csrf-token; each operation's x-slipway-access says who may call it. A project the caller's teams do not own answers 404, like one that does not exist.",
    },
    tags: Object.entries(apiTags)
      .filter(([name]) => usedTags.has(name as keyof typeof apiTags))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'A person\'s API token (slp_…): `slipway tokens create`; the first one is printed by the first start.' },
        session: { type: 'apiKey', in: 'cookie', name: 'slipway_session', description: 'The web UI\'s session, opened with POST /api/v1/session; changes also send x-csrf-token.' },
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent token (slpa_…, `slipway agents token create`) or the shared SLIPWAY_AGENT_TOKEN.' },
      },
    },
  };
}
