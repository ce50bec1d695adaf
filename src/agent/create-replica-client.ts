import type { ReplicaReportBatch } from '../deploy/targets/index.js';

/** The deploy role's calls to the control plane, each carrying the agent token. Network errors are thrown. */
export interface ReplicaClient {
  /** The held-open replica command stream; the caller reads response.body. */
  openCommands(agentId: string, signal: AbortSignal): Promise<Response>;
  /** Command results, replica events and the replicas this agent runs, in order (see replica-protocol.ts). */
  postReports(agentId: string, batch: ReplicaReportBatch, signal?: AbortSignal): Promise<{ status: number; message?: string }>;
  /** A release archive's bytes; the caller reads response.body. */
  downloadBlob(digest: string, signal?: AbortSignal): Promise<Response>;
}

export function createReplicaClient(serverUrl: string, token: string): ReplicaClient {
  const base = serverUrl.replace(/\/+$/, '');
  const authorization = `Bearer ${token}`;
  return {
    openCommands: (agentId, signal) =>
      fetch(`${base}/api/v1/agents/${encodeURIComponent(agentId)}/replica-commands`, { headers: { authorization, accept: 'text/event-stream' }, signal }),
    postReports: async (agentId, batch, signal) => {
      const response = await fetch(`${base}/api/v1/agents/${encodeURIComponent(agentId)}/replica-reports`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        ...(signal ? { signal } : {}),
      });
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      return body.error?.message === undefined ? { status: response.status } : { status: response.status, message: body.error.message };
    },
    downloadBlob: (digest, signal) =>
      fetch(`${base}/api/v1/blobs/${encodeURIComponent(digest)}`, { headers: { authorization }, ...(signal ? { signal } : {}) }),
  };
}
