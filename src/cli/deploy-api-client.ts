import { AppError, ErrorCode } from '../errors/app-error.js';
import { toAppError } from './api-client.js';
import { cliFetch } from './credentials.js';

/** Who the CLI acts as: an API token given with --token (else SLIPWAY_TOKEN or the saved one, see cliFetch). */
export interface CliIdentity {
  token?: string;
}

/** The JSON shapes of the environment and approval routes (dates are ISO strings on the wire). */
export interface ApiEnvironment {
  project: string;
  name: string;
  rules: Record<string, unknown>;
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}
export interface ApiApproval {
  id: number;
  environment: string | null;
  runId: number | null;
  jobKey: string | null;
  author: string;
  branch: string;
  requiredApprovals: number;
  riskScore: number | null;
  riskFactors: { explanation: string }[];
  status: string;
  reasons: string[];
  expiresAt: string | null;
  createdAt: string;
  decisions: { actor: string; role: string; decision: string; comment: string; decidedAt: string }[];
}

export interface DeployApiClient {
  putEnvironment(input: { project: string; name: string; rules: unknown; expectedVersion?: number }): Promise<{ environment: ApiEnvironment; created: boolean }>;
  getEnvironment(project: string, name: string): Promise<ApiEnvironment>;
  listEnvironments(project: string): Promise<ApiEnvironment[]>;
  deleteEnvironment(project: string, name: string): Promise<void>;
  listApprovals(input: { status?: string; project?: string }): Promise<ApiApproval[]>;
  decide(id: number, decision: 'approve' | 'reject', comment: string | undefined): Promise<ApiApproval>;
}

/** One API request as `identity`, with a JSON body when given; a failed answer throws its AppError. Shared by the clients of routes that need an identity. */
export type IdentityRequest = (method: string, path: string, body?: unknown) => Promise<Response>;

export function createIdentityRequest(baseUrl: string, identity: CliIdentity): IdentityRequest {
  const headers: Record<string, string> = {};
  if (identity.token) headers['authorization'] = `Bearer ${identity.token}`;
  return async (method, path, body) => {
    let response: Response;
    try {
      // No content-type without a body: Fastify refuses an empty application/json body (a DELETE).
      const init = body === undefined ? { method, headers } : { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
      response = await cliFetch(`${baseUrl}${path}`, init);
    } catch (error) {
      throw new AppError(ErrorCode.unavailable, `cannot reach the Slipway server at ${baseUrl} — is \`slipway up\` running? (set --server or SLIPWAY_SERVER)`, {
        cause: error,
      });
    }
    if (!response.ok) throw await toAppError(response, `${method} ${path}`);
    return response;
  };
}

/**
 * The environment and approval routes. Beside api-client.ts rather than in it only because that file
 * has other owners right now; merge it there once they are done.
 */
export function createDeployApiClient(baseUrl: string, identity: CliIdentity): DeployApiClient {
  const request = createIdentityRequest(baseUrl, identity);
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await (await request(method, path, body)).json()) as T;
  const environmentPath = (project: string, name: string) => `/api/v1/projects/${encodeURIComponent(project)}/environments/${encodeURIComponent(name)}`;

  return {
    putEnvironment: async ({ project, name, rules, expectedVersion }) => {
      const response = await request('PUT', environmentPath(project, name), { rules, ...(expectedVersion === undefined ? {} : { expectedVersion }) });
      const { environment } = (await response.json()) as { environment: ApiEnvironment };
      return { environment, created: response.status === 201 };
    },
    getEnvironment: async (project, name) => (await json<{ environment: ApiEnvironment }>('GET', environmentPath(project, name))).environment,
    listEnvironments: async (project) =>
      (await json<{ environments: ApiEnvironment[] }>('GET', `/api/v1/projects/${encodeURIComponent(project)}/environments`)).environments,
    deleteEnvironment: async (project, name) => {
      await request('DELETE', environmentPath(project, name));
    },
    listApprovals: async ({ status, project }) => {
      const query = new URLSearchParams({ ...(status === undefined ? {} : { status }), ...(project === undefined ? {} : { project }) });
      return (await json<{ approvals: ApiApproval[] }>('GET', `/api/v1/approvals?${query}`)).approvals;
    },
    decide: async (id, decision, comment) =>
      (await json<{ approval: ApiApproval }>('POST', `/api/v1/approvals/${id}/${decision}`, comment === undefined ? {} : { comment })).approval,
  };
}
