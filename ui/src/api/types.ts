/** The JSON the API answers, as the UI reads it (dates arrive as ISO strings). */
import type { SeriesBucket } from '../core.js';

export interface ProjectSummary {
  id: number;
  name: string;
  repoUrl: string | null;
  defaultBranch: string;
  createdAt: string;
  lastRun: { id: number; number: number; status: string; ref: string; createdAt: string } | null;
}

export interface RunSummary {
  id: number;
  projectId: number;
  project: string;
  number: number;
  ref: string;
  commitSha: string | null;
  trigger: string;
  status: string;
  pipelineName: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StepDetail {
  jobId: number;
  idx: number;
  name: string;
  status: string;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobDetail {
  id: number;
  runId: number;
  jobKey: string;
  stage: string;
  needs: string[];
  status: string;
  attempt: number;
  failure: { kind: string; retryable: boolean; message: string } | null;
  startedAt: string | null;
  finishedAt: string | null;
  steps: StepDetail[];
}

export interface RunDetail extends Omit<RunSummary, 'project'> {
  jobs: JobDetail[];
}

export interface ApprovalDecision {
  actor: string;
  role: string;
  decision: 'approve' | 'reject';
  comment: string;
  decidedAt: string;
}

export interface Approval {
  id: number;
  projectId: number;
  environment: string | null;
  runId: number | null;
  jobKey: string | null;
  deploymentRef: string | null;
  author: string;
  branch: string;
  requiredApprovals: number;
  riskScore: number | null;
  riskFactors: { name: string; points: number; maxPoints: number; explanation: string }[];
  status: string;
  reasons: string[];
  expiresAt: string | null;
  createdAt: string;
  decidedAt: string | null;
  decisions: ApprovalDecision[];
}

export interface Environment {
  project: string;
  name: string;
  rules: Record<string, unknown>;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt?: string;
}

export type RouterWeights = Record<string, number>;

export interface Deployment {
  id: number;
  project: string;
  environment: string;
  service: string;
  releaseId: number;
  version: string;
  kind: 'deploy' | 'rollback';
  strategy: { type: string; steps?: unknown[] } & Record<string, unknown>;
  status: string;
  branch: string;
  gateRequestId: number | null;
  stableVersion: string | null;
  events: (
    | { type: 'weightsSet'; service: string; weights: RouterWeights; timeMs: number }
    | { type: 'promoted'; full: boolean; timeMs: number }
    | { type: 'aborted'; reason: string; timeMs: number }
    | { type: 'analysisCompleted'; key: string; passed: boolean; reason?: string; timeMs: number }
  )[];
  failure: { kind: string; message: string; stderrTail?: string[] } | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface DeploymentView {
  deployment: Deployment;
  replicas: { id?: string; version?: string; state?: string; [key: string]: unknown }[];
  weights: RouterWeights;
  /** Effective share of traffic per version, in percent. */
  traffic: Record<string, number>;
}

export interface RuleEvidence {
  rule: string;
  metric: string;
  verdict: string;
  reason: string;
  comparison: string;
  canaryValue?: number;
  referenceValue?: number;
  threshold?: number;
  observed?: number;
  pValue?: number;
  canarySamples: number;
  referenceSamples?: number;
  minSamples: number;
  failureCount: number;
  failuresNeeded: number;
  action: string;
  triggered: boolean;
}

export interface CanaryDecision {
  sequence: number;
  rolloutId: string;
  service: string;
  step: number;
  action: 'PROMOTE' | 'PAUSE' | 'ROLLBACK';
  verdict: string;
  reasons: string[];
  evidence: Record<string, unknown>;
  policyVersion: string;
  createdAtMs: number;
}

export interface CanaryRollout {
  rollout: Record<string, unknown> & { id?: string; state?: string };
  engine: { step: number; state: string; stepStartedMs: number; policyVersion: string } | null;
}

/** GET /api/v1/canary/rollouts/:id/series: the current analysis window, bucket by bucket, per track. */
export interface CanaryRolloutSeries {
  rolloutId: string;
  windowEndMs: number | null;
  tracks: Record<string, SeriesBucket[]>;
}

/** One archive a job uploaded (`artifacts:`), as GET /api/v1/runs/:id/artifacts lists it. */
export interface ArtifactSummary {
  id: number;
  runId: number;
  jobKey: string;
  name: string;
  /** Bytes of the archive. */
  size: number;
  fileCount: number;
  createdAt: string;
  /** null: kept as long as its run. */
  expiresAt: string | null;
}

export interface ArtifactFile {
  path: string;
  type: 'file' | 'symlink';
  size: number;
  target?: string;
}

export interface ArtifactListing {
  artifact: ArtifactSummary;
  files: ArtifactFile[];
  truncated: boolean;
}
