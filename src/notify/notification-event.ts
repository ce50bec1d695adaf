/** The event kinds a webhook can subscribe to. Closed here and in migration 0015's CHECK. */
export const notificationEventKinds = ['run.failed', 'deployment.rolled_back', 'approval.waiting'] as const;
export type NotificationEventKind = (typeof notificationEventKinds)[number];

/** Raw fields of a run.failed event: a run that finished `failed` on its project's default branch. */
export interface RunFailedFields {
  runId: number;
  runNumber: number;
  project: string;
  ref: string;
  commitSha: string | null;
  pipelineName: string;
  author: string | null;
  finishedAt: string;
  failedJobs: { jobKey: string; message: string }[];
}

/** Raw fields of a deployment.rolled_back event: aborted (by a person or a rollback), rolled back by analysis, or a rollback deployment that finished. */
export interface DeploymentRolledBackFields {
  deploymentId: number;
  project: string;
  environment: string;
  service: string;
  version: string;
  stableVersion: string | null;
  status: string;
  /** deploy, or a rollback deployment. */
  deploymentKind: 'deploy' | 'rollback';
  /** Why: the abort or analysis reason, or the rollback deployment's own description. */
  reason: string;
  abortRequestedBy: string | null;
  finishedAt: string;
}

/** Raw fields of an approval.waiting event: a gate that is pending, waiting for people. */
export interface ApprovalWaitingFields {
  approvalId: number;
  project: string;
  environment: string | null;
  runId: number | null;
  jobKey: string | null;
  branch: string;
  author: string;
  requiredApprovals: number;
  riskScore: number | null;
  reasons: string[];
  expiresAt: string | null;
  createdAt: string;
}

export type NotificationEventFields =
  | { kind: 'run.failed'; fields: RunFailedFields }
  | { kind: 'deployment.rolled_back'; fields: DeploymentRolledBackFields }
  | { kind: 'approval.waiting'; fields: ApprovalWaitingFields };

/** An event decided from the store, before it is recorded: `subject` makes it unique per kind. */
export type DecidedEvent = NotificationEventFields & {
  subject: string;
  project: string;
  occurredAtMs: number;
};
