import { AppError, ErrorCode } from '../errors/app-error.js';
import { toAppError } from './api-client.js';
import { cliFetch } from './credentials.js';

/** An audit entry as the API sends it (at as an ISO string). */
export interface ApiAuditEntry {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  subject: { type: string; id: string };
  project: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

export interface ApiAuditPage {
  entries: ApiAuditEntry[];
  /** Present when the page is full: pass it as `after` for the next page. */
  nextAfter?: number;
}

export interface ApiAuditReport {
  ok: boolean;
  entries: number;
  firstBad?: { seq: number; reason: string; message: string };
}

export interface AuditQuery {
  project?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  after?: number;
  limit?: number;
}

export interface AuditApiClient {
  listAudit(query: AuditQuery): Promise<ApiAuditPage>;
  verifyAudit(): Promise<ApiAuditReport>;
}

/** The audit routes. A file of its own, like deploy-api-client.ts, while api-client.ts has other owners. */
export function createAuditApiClient(baseUrl: string): AuditApiClient {
  const json = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await cliFetch(`${baseUrl}${path}`);
    } catch (error) {
      throw new AppError(ErrorCode.unavailable, `cannot reach the Slipway server at ${baseUrl} — is \`slipway up\` running? (set --server or SLIPWAY_SERVER)`, {
        cause: error,
      });
    }
    if (!response.ok) throw await toAppError(response, `GET ${path}`);
    return (await response.json()) as T;
  };
  return {
    listAudit: (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const text = params.toString();
      return json<ApiAuditPage>(`/api/v1/audit${text === '' ? '' : `?${text}`}`);
    },
    verifyAudit: () => json<ApiAuditReport>('/api/v1/audit/verify'),
  };
}
