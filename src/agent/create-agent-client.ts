import type { JobAttemptResult } from '../scheduler/index.js';

/** A server answer the agent acts on: the status, and the JSON body when there is one. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface AgentClient {
  register(input: { name: string; labels: readonly string[]; capacity: number }, signal?: AbortSignal): Promise<Answer<{ agentId?: string }>>;
  /** The held-open jobs stream; the caller reads response.body. */
  openJobs(agentId: string, signal: AbortSignal): Promise<Response>;
  heartbeat(jobId: number, fencingToken: number): Promise<Answer>;
  appendLog(jobId: number, fencingToken: number, offset: number, data: Uint8Array): Promise<Answer<{ length?: number; error?: { details?: { length?: number } } }>>;
  reportResult(jobId: number, fencingToken: number, result: JobAttemptResult): Promise<Answer>;
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
  return {
    register: (input, signal) => postJson('/api/v1/agents/register', input, signal),
    openJobs: (agentId, signal) =>
      fetch(`${base}/api/v1/agents/${encodeURIComponent(agentId)}/jobs`, {
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
  };
}
