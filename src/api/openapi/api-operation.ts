import type { z } from 'zod';
import type { ProjectLookup, TeamRole } from '../../identity/index.js';

/** Domains of the API, one OpenAPI tag each; `agents` routes are the build agents' own (agent token). */
export const apiTags = {
  runs: 'Runs, their jobs and logs, as people read and start them.',
  projects: 'Projects, created by their first run or secret.',
  artifacts: 'Artifacts of runs, for people to download.',
  agents: 'What build agents call (agent token): registration, the jobs stream, leases, logs, results, artifacts, caches, approval and deploy steps.',
  deployments: 'Deployments: submit, inspect, promote, abort, roll back.',
  environments: 'Environments and their protection rules.',
  approvals: 'Approval requests deployments and approval steps wait at.',
  secrets: 'Write-only project secrets.',
  audit: 'The audit log and its hash chain.',
  canary: 'The canary control plane: telemetry, policy, decisions, rollouts.',
  webhooks: 'Push and pull request webhooks of git hosts.',
  notifications: 'Outgoing notification webhooks and their deliveries.',
  identity: 'People, teams, API tokens, agent tokens and the web UI session.',
  system: 'Health, metrics and this document.',
} as const;
export type ApiTag = keyof typeof apiTags;

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call a route, checked before its handler (src/api/auth/register-access-control.ts):
 * - public: anyone (health, this document, metrics, signed webhooks, opening a session);
 * - agent: build agents, with an agent token (the route checks it);
 * - user: any signed-in person; the route limits what it shows or does to them (their own tokens,
 *   lists filtered to their teams' projects) where it says so;
 * - admin: administrators;
 * - project: at least `role` in the team owning the project found `from` the route's `:project`
 *   parameter (project), its `:id` (run, job, deployment, approval) or the body's `project` field
 *   (body). A project the caller cannot see answers 404 exactly like one that does not exist; with
 *   `creates`, a missing project is created in the caller's team.
 */
export type ApiAccess =
  | { kind: 'public' | 'agent' | 'user' | 'admin' }
  | { kind: 'project'; role: TeamRole; from: ProjectLookup | 'body'; creates?: boolean };

export interface ApiContent {
  /** Default application/json. */
  contentType?: string;
  /** Omitted: any content (a binary archive, bytes). */
  schema?: z.ZodType;
}

export interface ApiResponse extends ApiContent {
  description: string;
}

/** A PUT or idempotent POST: 201 when it created the thing, 200 with the same body when it was there. */
export function createdOrExisting(schema: z.ZodType, created: string, existing: string): Record<number, ApiResponse> {
  return { 201: { description: created, schema }, 200: { description: existing, schema } };
}

export interface ApiRequestBody {
  /** The route's own zod schema (exported from its route file) where it has one. */
  schema: z.ZodType;
  /** Default application/json; several when the route parses several. */
  contentTypes?: readonly string[];
  required?: boolean;
  description?: string;
}

export interface ApiHeader {
  name: string;
  description: string;
  required?: boolean;
}

/**
 * One documented route. The document is built from these, and a test compares them with the routes
 * the server registers, so a route without an entry here fails CI.
 */
export interface ApiOperation {
  method: ApiMethod;
  /** As registered with Fastify: `/api/v1/runs/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: ApiTag;
  /** Agent token (`Authorization: Bearer`) required. */
  agentOnly?: boolean;
  /** Who may call it; agent-only routes are `agent`. */
  access: ApiAccess;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: readonly ApiHeader[];
  body?: ApiRequestBody;
  /** By HTTP status; the first is the main success response. */
  responses: Record<number, ApiResponse>;
  /**
   * Error statuses this route answers besides the ones derived from the operation (400 for any
   * input, 401 for any route that is not public, 403 and 404 by its access); each is rendered in the
   * shared error shape.
   */
  errors?: readonly number[];
}
