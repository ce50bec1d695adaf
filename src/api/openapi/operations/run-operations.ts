import { z } from 'zod';
import * as runRoutes from '../../agents/register-run-routes.js';
import * as artifactFileRoutes from '../../agents/register-artifact-file-routes.js';
import * as blobRoutes from '../../agents/register-blob-routes.js';
import * as listRoutes from '../../list-runs-route.js';
import type { ApiOperation } from '../api-operation.js';
import { artifactSchema, projectSummarySchema, runDetailSchema, runSchema, sseStream, startedRunSchema, tarArchive } from '../response-schemas.js';

/** Inline in register-run-routes.ts (owned elsewhere); the same rule as its `offset` query. */
const logQuery = z.object({ offset: z.coerce.number().int().min(0).optional() });
/** The wildcard `*` of the file route, named `path` in the document. */
const artifactFileParams = artifactFileRoutes.artifactParams.extend({ path: z.string().min(1).meta({ description: 'The file path inside the archive; may contain slashes.' }) });

/** What people and the CLI use to start and follow runs: `slipway trigger`, `runs`, `logs`, `cancel`. */
export const runOperations: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/api/v1/runs',
    access: { kind: 'project', role: 'developer', from: 'body', creates: true },
    operationId: 'startRun',
    summary: 'Start a run from posted pipeline YAML, or from .pipeline.yml at a ref of the project repository',
    tag: 'runs',
    headers: [{ name: 'x-slipway-actor', description: "The run's author (optional); gates never let the author approve their own change." }],
    body: { schema: runRoutes.runBody },
    responses: { 201: { description: 'The run, queued, with its jobs.', schema: startedRunSchema } },
    errors: [404, 503],
  },
  {
    method: 'GET',
    path: '/api/v1/runs',
    access: { kind: 'user' },
    operationId: 'listRuns',
    summary: 'The newest runs, optionally of one project, a page at a time',
    tag: 'runs',
    query: listRoutes.listQuery,
    responses: {
      200: {
        description: 'Newest first. `next` (a run id) asks for the following page as `before`; null when this page was the last.',
        schema: z.object({ runs: z.array(runSchema.extend({ project: z.string() })), next: z.number().int().positive().nullable() }),
      },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id',
    access: { kind: 'project', role: 'viewer', from: 'run' },
    operationId: 'getRun',
    summary: 'A run with its jobs and their steps',
    tag: 'runs',
    params: runRoutes.idParams,
    responses: { 200: { description: 'The run.', schema: runDetailSchema } },
    errors: [404],
  },
  {
    method: 'POST',
    path: '/api/v1/runs/:id/cancel',
    access: { kind: 'project', role: 'developer', from: 'run' },
    operationId: 'cancelRun',
    summary: 'Cancel a run: waiting jobs at once, running jobs by their agents within a second',
    tag: 'runs',
    params: runRoutes.idParams,
    responses: {
      202: {
        description: 'Canceled jobs, and the running ones whose agents were told to stop.',
        schema: z.object({ runId: z.number().int(), canceledJobIds: z.array(z.number().int()), running: z.array(z.number().int()) }),
      },
    },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/jobs/:id/logs',
    access: { kind: 'project', role: 'viewer', from: 'job' },
    operationId: 'streamJobLog',
    summary: "A job's log as it is written",
    description: 'Resumes from the Last-Event-ID header (a byte offset) after a dropped connection; the stream ends with the log.',
    tag: 'runs',
    params: runRoutes.idParams,
    query: logQuery,
    headers: [{ name: 'last-event-id', description: 'The byte offset to resume from; wins over `offset`.' }],
    responses: { 200: { description: 'The log.', contentType: 'text/event-stream', schema: sseStream('`chunk` {offset, text} with the byte offset after it as the event id; `end` {length} when the log is complete; `error` {code, message}.') } },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/jobs/:id/log.txt',
    access: { kind: 'project', role: 'viewer', from: 'job' },
    operationId: 'getJobLogText',
    summary: "A job's stored log as plain text, without holding a stream open",
    tag: 'runs',
    params: listRoutes.idParams,
    responses: {
      200: { description: 'The log so far; x-log-length and x-log-complete headers say how much and whether it ended.', contentType: 'text/plain', schema: z.string() },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/projects',
    access: { kind: 'user' },
    operationId: 'listProjects',
    summary: 'Every project with its newest run',
    tag: 'projects',
    responses: { 200: { description: 'By name.', schema: z.object({ projects: z.array(projectSummarySchema) }) } },
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/artifacts',
    access: { kind: 'project', role: 'viewer', from: 'run' },
    operationId: 'listRunArtifacts',
    summary: "A run's artifacts",
    tag: 'artifacts',
    params: blobRoutes.jobParams,
    responses: { 200: { description: 'Unexpired artifacts.', schema: z.object({ artifacts: z.array(artifactSchema) }) } },
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/artifacts/:artifactId/archive',
    access: { kind: 'project', role: 'viewer', from: 'run' },
    operationId: 'downloadRunArtifact',
    summary: 'Download one artifact as a tar archive',
    tag: 'artifacts',
    params: artifactFileRoutes.artifactParams,
    responses: { 200: { description: 'The archive.', contentType: 'application/x-tar', schema: tarArchive } },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/artifacts/:artifactId/files',
    access: { kind: 'project', role: 'viewer', from: 'run' },
    operationId: 'listRunArtifactFiles',
    summary: "The files inside an artifact's archive",
    tag: 'artifacts',
    params: artifactFileRoutes.artifactParams,
    responses: {
      200: {
        description: 'The artifact and its files in archive order; truncated when there were more than the server lists.',
        schema: z.object({
          artifact: artifactSchema,
          files: z.array(z.object({ path: z.string(), type: z.enum(['file', 'symlink']), size: z.number().int().min(0), target: z.string().optional() })),
          truncated: z.boolean(),
        }),
      },
    },
    errors: [404],
  },
  {
    method: 'GET',
    path: '/api/v1/runs/:id/artifacts/:artifactId/files/*',
    access: { kind: 'project', role: 'viewer', from: 'run' },
    operationId: 'getRunArtifactFile',
    summary: 'One file of an artifact: small ones inline with their content type, others as a download',
    tag: 'artifacts',
    params: artifactFileParams,
    query: artifactFileRoutes.fileQuery,
    responses: { 200: { description: "The file's bytes (never a type a browser would run; nosniff and a sandboxing CSP).", contentType: '*/*' } },
    errors: [404],
  },
];
