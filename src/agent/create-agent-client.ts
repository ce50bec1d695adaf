import type { DeployStepDeployment } from '../runner/index.js';
import type { JobAttemptResult } from '../scheduler/index.js';

/** A server answer the agent acts on: the status, and the JSON body when there is one. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface AgentClient {
  register(input: { name: string; labels: readonly string[]; capacity: number; roles?: readonly string[] }, signal?: AbortSignal): Promise<Answer<{ agentId?: string }>>;
  /** The held-open jobs stream; the caller reads response.body. */
  openJobs(agentId: string, signal: AbortSignal, runningJobIds?: readonly number[]): Promise<Response>;
  heartbeat(jobId: number, fencingToken: number): Promise<Answer>;
  appendLog(jobId: number, fencingToken: number, offset: number, data: Uint8Array): Promise<Answer<{ length?: number; error?: { details?: { length?: number } } }>>;
  reportResult(jobId: number, fencingToken: number, result: JobAttemptResult): Promise<Answer>;
  /** Opens (or finds again) the gate of the job's approval step `stepIndex`. */
  openApproval(jobId: number, fencingToken: number, stepIndex: number): Promise<Answer<ApprovalAnswer>>;
  /** The gate's status now (re-evaluated by the server). */
  readApproval(jobId: number, fencingToken: number, gateId: number): Promise<Answer<ApprovalAnswer>>;
  /** Streams a tar archive up as the job's artifact `name`. */
  uploadArtifact(
    jobId: number,
    fencingToken: number,
    name: string,
    archive: AsyncIterable<Uint8Array>,
    meta: { files: number; expireInMs?: number },
  ): Promise<Answer<{ artifact?: { digest: string; size: number }; error?: { message?: string } }>>;
  /** The unexpired artifacts of the jobs this job needs. */
  listNeededArtifacts(jobId: number, fencingToken: number): Promise<Answer<{ artifacts?: NeededArtifact[]; error?: { message?: string } }>>;
  /** A blob's bytes; the caller reads response.body. */
  downloadBlob(digest: string): Promise<Response>;
  lookupCache(jobId: number, fencingToken: number, key: string, restoreKeys: readonly string[]): Promise<Answer<CacheLookupAnswer>>;
  saveCache(
    jobId: number,
    fencingToken: number,
    key: string,
    archive: AsyncIterable<Uint8Array>,
  ): Promise<Answer<{ saved?: boolean; reason?: string; error?: { message?: string } }>>;
  /** Streams a tar archive of a deploy step's release files into the server's blob store. */
  uploadRelease(jobId: number, fencingToken: number, stepIndex: number, archive: AsyncIterable<Uint8Array>): Promise<Answer<{ digest?: string; size?: number; error?: { message?: string } }>>;
  /** Submits the deploy step's deployment (idempotent per job step); see register-deploy-step-routes.ts. */
  submitDeployment(jobId: number, fencingToken: number, body: Record<string, unknown>): Promise<Answer<DeploymentAnswer>>;
  readDeployment(jobId: number, fencingToken: number, deploymentId: number): Promise<Answer<DeploymentAnswer>>;
  abortDeployment(jobId: number, fencingToken: number, deploymentId: number, reason: string): Promise<Answer<DeploymentAnswer>>;
}

/** A deploy step's deployment as the server shows it (DeployStepDeployment), or why not. */
export interface DeploymentAnswer {
  deployment?: DeployStepDeployment;
  created?: boolean;
  error?: { message?: string };
}

export interface NeededArtifact {
  name: string;
  jobKey: string;
  digest: string;
  size: number;
  fileCount: number;
}

/** See ApprovalStepGate (api/agents/register-approval-routes.ts). */
export interface ApprovalAnswer {
  approval?: {
    id: number;
    status: 'pending' | 'approved' | 'auto-approved' | 'rejected' | 'expired';
    requiredApprovals: number;
    reasons: string[];
    approvers: string[];
    expiresAt: string | null;
    message?: string;
  };
  error?: { message?: string };
}

export interface CacheLookupAnswer {
  hit?: 'exact' | 'prefix' | null;
  entry?: { key: string; scope: string; digest: string; size: number };
  explanation?: string[];
  error?: { message?: string };
}

/** HTTP calls to the control plane, each carrying the agent token. Network errors are thrown. */
export function createAgentClient(serverUrl: string, token: string): AgentClient {
  const base = serverUrl.replace(/\/+$/, '');
  const authorization = `Bearer ${token}`;
  const postJson = async <T>(path: string, payload: unknown, signal?: AbortSignal): Promise<Answer<T>> => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      ...(signal ? { signal } : {}),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
  };
  const putArchive = async <T>(path: string, archive: AsyncIterable<Uint8Array>): Promise<Answer<T>> => {
    const response = await fetch(`${base}${path}`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/x-tar' },
      // undici streams an async iterable body; `duplex` is required for a streamed request body.
      body: archive as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
  };
  const getJson = async <T>(path: string): Promise<Answer<T>> => {
    const response = await fetch(`${base}${path}`, { headers: { authorization } });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
  };
  return {
    register: (input, signal) => postJson('/api/v1/agents/register', input, signal),
    openJobs: (agentId, signal, runningJobIds = []) =>
      fetch(`${base}/api/v1/agents/${encodeURIComponent(agentId)}/jobs?running=${runningJobIds.join(',')}`, {
        headers: { authorization, accept: 'text/event-stream' },
        signal,
      }),
    heartbeat: (jobId, fencingToken) => postJson(`/api/v1/jobs/${jobId}/heartbeat`, { fencingToken }),
    appendLog: async (jobId, fencingToken, offset, data) => {
      const response = await fetch(`${base}/api/v1/jobs/${jobId}/logs?offset=${offset}&fencingToken=${fencingToken}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/octet-stream' },
        body: data,
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as { length?: number } };
    },
    reportResult: (jobId, fencingToken, result) => postJson(`/api/v1/jobs/${jobId}/result`, { fencingToken, result }),
    openApproval: (jobId, fencingToken, stepIndex) => postJson(`/api/v1/jobs/${jobId}/approvals`, { fencingToken, stepIndex }),
    readApproval: (jobId, fencingToken, gateId) => getJson(`/api/v1/jobs/${jobId}/approvals/${gateId}?fencingToken=${fencingToken}`),
    uploadArtifact: (jobId, fencingToken, name, archive, meta) => {
      const query = new URLSearchParams({ fencingToken: String(fencingToken), files: String(meta.files) });
      if (meta.expireInMs !== undefined) query.set('expireInMs', String(meta.expireInMs));
      return putArchive(`/api/v1/jobs/${jobId}/artifacts/${encodeURIComponent(name)}?${query}`, archive);
    },
    listNeededArtifacts: (jobId, fencingToken) => getJson(`/api/v1/jobs/${jobId}/artifacts?fencingToken=${fencingToken}`),
    downloadBlob: (digest) => fetch(`${base}/api/v1/blobs/${encodeURIComponent(digest)}`, { headers: { authorization } }),
    lookupCache: (jobId, fencingToken, key, restoreKeys) =>
      postJson(`/api/v1/jobs/${jobId}/caches/lookup`, { fencingToken, key, restoreKeys }),
    saveCache: (jobId, fencingToken, key, archive) =>
      putArchive(`/api/v1/jobs/${jobId}/caches?${new URLSearchParams({ fencingToken: String(fencingToken), key })}`, archive),
    uploadRelease: (jobId, fencingToken, stepIndex, archive) =>
      putArchive(`/api/v1/jobs/${jobId}/deployments/releases?${new URLSearchParams({ fencingToken: String(fencingToken), stepIndex: String(stepIndex) })}`, archive),
    submitDeployment: (jobId, fencingToken, body) => postJson(`/api/v1/jobs/${jobId}/deployments`, { ...body, fencingToken }),
    readDeployment: (jobId, fencingToken, deploymentId) => getJson(`/api/v1/jobs/${jobId}/deployments/${deploymentId}?fencingToken=${fencingToken}`),
    abortDeployment: (jobId, fencingToken, deploymentId, reason) =>
      postJson(`/api/v1/jobs/${jobId}/deployments/${deploymentId}/abort`, { fencingToken, reason }),
  };
}
