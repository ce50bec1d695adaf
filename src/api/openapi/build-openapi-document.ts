import { z } from 'zod';
import { ErrorCode } from '../../errors/app-error.js';
import { httpStatusFor } from '../http-status.js';
import { type ApiOperation, type ApiResponse, apiTags } from './api-operation.js';

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, Record<string, unknown>>;
    parameters: Record<string, Record<string, unknown>>;
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
  if (operation.agentOnly || operation.identity) statuses.add(401);
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
      ...(operation.identity ? [{ $ref: '#/components/parameters/Actor' }, { $ref: '#/components/parameters/Role' }] : []),
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
    ...(operation.agentOnly ? { security: [{ agentToken: [] }] } : {}),
  };
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
      description: 'Everything the slipway CLI does. Every error answers {error: {code, message, details}}; people identify themselves with x-slipway-actor and x-slipway-role until RBAC.',
    },
    tags: Object.entries(apiTags)
      .filter(([name]) => usedTags.has(name as keyof typeof apiTags))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas,
      responses,
      parameters: {
        Actor: { name: 'x-slipway-actor', in: 'header', required: true, description: 'Who is acting (CLI: --as, SLIPWAY_ACTOR).', schema: { type: 'string', maxLength: 200 } },
        Role: { name: 'x-slipway-role', in: 'header', required: true, description: 'In which role (CLI: --role, SLIPWAY_ROLE), e.g. maintainer.', schema: { type: 'string' } },
      },
      securitySchemes: {
        agentToken: { type: 'http', scheme: 'bearer', description: 'The agents\' shared token, SLIPWAY_AGENT_TOKEN.' },
      },
    },
  };
}
