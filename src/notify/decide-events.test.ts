import { describe, expect, it } from 'vitest';
import { decideApprovalEvent, decideDeploymentEvent, decideRunEvent, type FinishedDeploymentRow, type FinishedRunRow, type GateRow, isBranchRef } from './decide-events.js';

const finishedAt = new Date('2026-11-20T10:00:00Z');
const run: FinishedRunRow = {
  id: 42, number: 7, project: 'acme/web', defaultBranch: 'main', ref: 'refs/heads/main', commitSha: 'a'.repeat(40), status: 'failed',
  pipelineName: 'ci', author: 'ana', finishedAt, failedJobs: [{ jobKey: 'test', message: 'exit code 1' }],
};
const deployment: FinishedDeploymentRow = {
  id: 9, project: 'acme/web', environment: 'production', service: 'web', version: 'v2', stableVersion: 'v1', kind: 'deploy',
  status: 'aborted', failureMessage: 'aborted by bob: looks wrong', abortedReason: 'aborted by bob: looks wrong', abortRequestedBy: 'bob', finishedAt,
};
const gate: GateRow = {
  id: 3, project: 'acme/web', environment: 'production', runId: 42, jobKey: 'deploy', branch: 'main', author: 'ana', requiredApprovals: 2,
  riskScore: 40, status: 'pending', reasons: ['needs 2 approvals'], expiresAt: null, createdAt: finishedAt,
};

describe('isBranchRef', () => {
  it('matches the bare branch and its full ref, nothing else', () => {
    expect(isBranchRef('main', 'main')).toBe(true);
    expect(isBranchRef('refs/heads/main', 'main')).toBe(true);
    expect(isBranchRef('refs/heads/main-2', 'main')).toBe(false);
    expect(isBranchRef('refs/tags/main', 'main')).toBe(false);
    expect(isBranchRef('feature/main', 'main')).toBe(false);
  });
});

describe('decideRunEvent', () => {
  it('announces a failed run on the default branch, once per run (subject), with its raw fields', () => {
    expect(decideRunEvent(run)).toEqual({
      kind: 'run.failed', subject: 'run:42', project: 'acme/web', occurredAtMs: finishedAt.getTime(),
      fields: {
        runId: 42, runNumber: 7, project: 'acme/web', ref: 'refs/heads/main', commitSha: 'a'.repeat(40), pipelineName: 'ci', author: 'ana',
        finishedAt: '2026-11-20T10:00:00.000Z', failedJobs: [{ jobKey: 'test', message: 'exit code 1' }],
      },
    });
  });

  it('ignores other branches, other statuses, and follows a project whose default branch is not main', () => {
    expect(decideRunEvent({ ...run, ref: 'refs/heads/feature' })).toBeUndefined();
    expect(decideRunEvent({ ...run, status: 'canceled' })).toBeUndefined();
    expect(decideRunEvent({ ...run, status: 'succeeded' })).toBeUndefined();
    expect(decideRunEvent({ ...run, defaultBranch: 'trunk' })).toBeUndefined();
    expect(decideRunEvent({ ...run, defaultBranch: 'trunk', ref: 'trunk' })?.subject).toBe('run:42');
  });
});

describe('decideDeploymentEvent', () => {
  it('announces an aborted rollout with the abort reason and who asked', () => {
    expect(decideDeploymentEvent(deployment)?.fields).toMatchObject({ deploymentId: 9, status: 'aborted', reason: 'aborted by bob: looks wrong', abortRequestedBy: 'bob', deploymentKind: 'deploy' });
  });

  it('announces a rollout the analysis rolled back (failed with an aborted event), not one that just failed', () => {
    const analysis = { ...deployment, status: 'failed', failureMessage: 'replica never ready', abortRequestedBy: null, abortedReason: 'analysis: error rate 0.05 > 0.01' };
    expect(decideDeploymentEvent(analysis)?.fields).toMatchObject({ reason: 'analysis: error rate 0.05 > 0.01', status: 'failed' });
    expect(decideDeploymentEvent({ ...analysis, abortedReason: null })).toBeUndefined();
  });

  it('announces a finished rollback deployment, and ignores successful deploys and superseded ones', () => {
    expect(decideDeploymentEvent({ ...deployment, kind: 'rollback', status: 'succeeded', version: 'v1', abortedReason: null })?.fields).toMatchObject({
      reason: 'rolled back to v1', deploymentKind: 'rollback',
    });
    expect(decideDeploymentEvent({ ...deployment, status: 'succeeded', abortedReason: null })).toBeUndefined();
    expect(decideDeploymentEvent({ ...deployment, status: 'superseded' })).toBeUndefined();
  });
});

describe('decideApprovalEvent', () => {
  it('announces a pending gate, and not one already decided when it was read', () => {
    expect(decideApprovalEvent(gate)).toMatchObject({ kind: 'approval.waiting', subject: 'approval:3', fields: { approvalId: 3, requiredApprovals: 2, runId: 42 } });
    for (const status of ['approved', 'auto-approved', 'rejected', 'expired']) expect(decideApprovalEvent({ ...gate, status })).toBeUndefined();
  });
});
