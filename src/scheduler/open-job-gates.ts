import type { Clock } from '../clock/clock.js';
import { openGate } from '../deploy/approvals/index.js';
import type { Db, JobFailure } from '../store/index.js';
import { describeGateRefusal } from './describe-gate-refusal.js';
import { readRunChange, unknownAuthor } from './read-run-change.js';

/** A job about to be queued whose plan names an environment. */
export interface EnvironmentJob {
  id: number;
  jobKey: string;
  environment: string;
}

export interface OpenedJobGates {
  /** No gate (the project has no such environment: gateId null) or a gate that passed at once: queue them. */
  pass: { id: number; gateId: number | null }[];
  /** Waiting at a pending gate: they stay pending with gate_id set. */
  held: { id: number; gateId: number }[];
  /** Refused at once (branch not allowed, frozen): they fail. */
  refused: { id: number; gateId: number; failure: JobFailure }[];
}

/**
 * Opens the environment gate of each job. An environment the project does not define gates nothing:
 * like GitLab, which creates environments on first deploy, protection exists only once a maintainer
 * defined it (over the API/CLI — never from the pipeline file, which a pull request could edit).
 * The branch is the run's ref without `refs/heads/` (readRunChange).
 */
export async function openJobGates(tx: Db, runId: number, jobs: readonly EnvironmentJob[], now: Date): Promise<OpenedJobGates> {
  const opened: OpenedJobGates = { pass: [], held: [], refused: [] };
  if (jobs.length === 0) return opened;
  const run = await readRunChange(tx, runId);
  if (!run) return { ...opened, pass: jobs.map((job) => ({ id: job.id, gateId: null })) };
  const { projectId, branch } = run;
  const defined = new Set(
    (
      await tx.query<{ name: string }>('SELECT name FROM environments WHERE project_id = $1 AND name = ANY($2::text[])', [
        projectId,
        [...new Set(jobs.map((job) => job.environment))],
      ])
    ).rows.map((row) => row.name),
  );
  const clock: Clock = { now: () => now.getTime() };
  for (const job of jobs) {
    if (!defined.has(job.environment)) {
      opened.pass.push({ id: job.id, gateId: null });
      continue;
    }
    const { request } = await openGate(tx, clock, {
      projectId,
      environment: job.environment,
      change: { author: run.author ?? unknownAuthor, branch },
      runId,
      jobKey: job.jobKey,
      deploymentRef: `run ${runId} job ${job.jobKey}`,
    });
    if (request.status === 'approved' || request.status === 'auto-approved') opened.pass.push({ id: job.id, gateId: request.id });
    else if (request.status === 'pending') opened.held.push({ id: job.id, gateId: request.id });
    else opened.refused.push({ id: job.id, gateId: request.id, failure: gateFailure(request) });
  }
  return opened;
}

export function gateFailure(gate: Parameters<typeof describeGateRefusal>[0]): JobFailure {
  return { kind: 'user', retryable: false, message: describeGateRefusal(gate) };
}
