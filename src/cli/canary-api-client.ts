import type { CanaryRollout, DecisionRecord } from '../canary/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { toAppError } from './api-client.js';
import { cliFetch } from './credentials.js';

export interface DecisionPage {
  decisions: DecisionRecord[];
  /** The cursor to pass as `after` next time. */
  next: number;
}

export interface EngineRolloutView {
  step: number;
  state: string;
  stepStartedMs: number;
  policyVersion: string;
}

export interface CanaryApiClient {
  /** With `wait`, the server holds the request until a decision comes (or about 25 s pass). */
  listDecisions(query: { after: number; rollout?: string; service?: string; wait?: boolean }, signal?: AbortSignal): Promise<DecisionPage>;
  getDecision(sequence: number): Promise<DecisionRecord>;
  getRollout(id: string): Promise<{ rollout: CanaryRollout; engine: EngineRolloutView | null }>;
}

/** The canary routes (src/api/canary-routes.ts). */
export function createCanaryApiClient(baseUrl: string): CanaryApiClient {
  const get = async <T>(path: string, signal?: AbortSignal): Promise<T> => {
    let response: Response;
    try {
      response = await cliFetch(`${baseUrl}${path}`, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new AppError(ErrorCode.unavailable, `cannot reach the Slipway server at ${baseUrl} — is \`slipway up\` running? (set --server or SLIPWAY_SERVER)`, { cause: error });
    }
    if (!response.ok) throw await toAppError(response, `GET ${path}`);
    return (await response.json()) as T;
  };
  return {
    listDecisions: (query, signal) => {
      const params = new URLSearchParams({ after: String(query.after) });
      if (query.rollout) params.set('rollout', query.rollout);
      if (query.service) params.set('service', query.service);
      if (query.wait) params.set('wait', '1');
      return get<DecisionPage>(`/api/v1/canary/decisions?${params}`, signal);
    },
    getDecision: async (sequence) => (await get<{ decision: DecisionRecord }>(`/api/v1/canary/decisions/${sequence}`)).decision,
    getRollout: (id) => get(`/api/v1/canary/rollouts/${encodeURIComponent(id)}`),
  };
}
