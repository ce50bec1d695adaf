import { z } from 'zod';
import { gateStatuses } from '../../deploy/approvals/index.js';
import { deploymentStatuses } from '../../deploy/controller/index.js';
import { failureKinds, jobStatuses, runStatuses, runTriggers, stepStatuses } from '../../store/index.js';

/**
 * Response bodies as the routes send them (JSON: dates as ISO strings). Strict objects where a test
 * checks real answers against them (runs, projects, artifacts); loose ones (key fields, more allowed)
 * for the larger domain records whose full shape lives in their module.
 */
export const timestamp = z.string().meta({ format: 'date-time' });
const nullableTimestamp = timestamp.nullable();
const id = z.number().int().positive();

export const jobFailureSchema = z.object({ kind: z.enum(failureKinds), retryable: z.boolean(), message: z.string() });

export const runSchema = z.object({
  id,
  projectId: id,
  number: id,
  ref: z.string(),
  commitSha: z.string().nullable(),
  trigger: z.enum(runTriggers),
  status: z.enum(runStatuses),
  pipelineName: z.string(),
  createdAt: timestamp,
  startedAt: nullableTimestamp,
  finishedAt: nullableTimestamp,
});

const stepSchema = z.object({
  jobId: id,
  idx: z.number().int().min(0),
  name: z.string(),
  status: z.enum(stepStatuses),
  exitCode: z.number().int().nullable(),
  startedAt: nullableTimestamp,
  finishedAt: nullableTimestamp,
});

export const runDetailSchema = runSchema.extend({
  jobs: z.array(
    z.object({
      id,
      runId: id,
      jobKey: z.string(),
      stage: z.string(),
      needs: z.array(z.string()),
      status: z.enum(jobStatuses),
      attempt: z.number().int().min(0),
      failure: jobFailureSchema.nullable(),
      startedAt: nullableTimestamp,
      finishedAt: nullableTimestamp,
      steps: z.array(stepSchema),
    }),
  ),
});

export const startedRunSchema = z.object({
  runId: id,
  number: id,
  commitSha: z.string().nullable(),
  jobs: z.array(z.object({ id, key: z.string(), status: z.enum(jobStatuses) })),
});

export const projectSummarySchema = z.object({
  id,
  name: z.string(),
  repoUrl: z.string().nullable(),
  defaultBranch: z.string(),
  createdAt: timestamp,
  lastRun: z.object({ id, number: id, status: z.enum(runStatuses), ref: z.string(), createdAt: timestamp }).nullable(),
});

export const artifactSchema = z.object({
  id,
  runId: id,
  jobKey: z.string(),
  name: z.string(),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  fileCount: z.number().int().min(0),
  createdAt: timestamp,
  expiresAt: nullableTimestamp,
});

export const deploymentSchema = z.looseObject({
  id,
  environment: z.string(),
  service: z.string(),
  version: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  status: z.enum(deploymentStatuses),
  createdAt: timestamp,
});
/** Deployments as the people's routes show them: with the project's name. */
export const projectDeploymentSchema = deploymentSchema.extend({ project: z.string() });

export const environmentSchema = z.looseObject({ project: z.string(), name: z.string(), rules: z.unknown(), version: z.number().int() });

export const approvalSchema = z.looseObject({ id, status: z.enum(gateStatuses), requiredApprovals: z.number().int() });

/** What an agent waiting at an approval step learns of its gate (ApprovalStepGate). */
export const approvalStepGateSchema = z.object({
  id,
  status: z.enum(gateStatuses),
  requiredApprovals: z.number().int(),
  reasons: z.array(z.string()),
  approvers: z.array(z.string()),
  expiresAt: nullableTimestamp,
  message: z.string().optional(),
});

export const decisionSchema = z.looseObject({ sequence: id, service: z.string(), reasons: z.array(z.string()), createdAtMs: z.number() });

export const notificationWebhookSchema = z.looseObject({ name: z.string(), url: z.string(), events: z.array(z.string()), breaker: z.unknown() });

export const deliverySchema = z.looseObject({ webhook: z.string(), kind: z.string(), status: z.string(), attempts: z.number().int() });

export const sseStream = (events: string) => z.string().meta({ description: `Server-sent events: ${events}` });
export const tarArchive = z.string().meta({ contentMediaType: 'application/x-tar', description: 'A tar archive.' });
