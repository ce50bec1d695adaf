import { type ApiClient, type ApiRunDetail, createApiClient, toAppError } from '../cli/api-client.js';
import { type CanaryApiClient, createCanaryApiClient } from '../cli/canary-api-client.js';
import { createDeployApiClient, type DeployApiClient } from '../cli/deploy-api-client.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { cliFetch } from '../cli/credentials.js';

/** What the demo reads of a deployment (GET .../environments/:env/deployments). */
export interface DemoDeployment {
  id: number;
  service: string;
  version: string;
  status: string;
  failure: { message: string } | null;
}

export interface DemoClient {
  readonly baseUrl: string;
  runs: ApiClient;
  canary: CanaryApiClient;
  /** As a maintainer: environments belong to maintainers, not to the pipeline. */
  maintainer: DeployApiClient;
  /** Fails with what to do when no Slipway server answers at baseUrl. */
  checkReachable(): Promise<void>;
  routerUrl(): Promise<string>;
  setPolicy(yaml: string): Promise<{ name: string; version: string }>;
  triggerFromRepo(input: { project: string; ref: string; repoUrl: string }): Promise<{ runId: number; number: number; commitSha: string }>;
  getRun(runId: number): Promise<ApiRunDetail>;
  listDeployments(project: string, environment: string): Promise<DemoDeployment[]>;
}

export function createDemoClient(baseUrl: string): DemoClient {
  const unreachable = (cause: unknown) =>
    new AppError(
      ErrorCode.unavailable,
      `cannot reach the Slipway server at ${baseUrl} — start it with \`npm ci && npm start\` in the Slipway checkout (or \`slipway up\`), or point the demo at a running one with --server URL`,
      { cause },
    );
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    let response: Response;
    try {
      response = await cliFetch(`${baseUrl}${path}`, { ...init, signal: init.signal ?? AbortSignal.timeout(30_000) });
    } catch (error) {
      throw unreachable(error);
    }
    if (!response.ok) throw await toAppError(response, `${init.method ?? 'GET'} ${path}`);
    return (await response.json()) as T;
  };
  const runs = createApiClient(baseUrl);
  return {
    baseUrl,
    runs,
    canary: createCanaryApiClient(baseUrl),
    maintainer: createDeployApiClient(baseUrl, {}),
    checkReachable: async () => {
      let response: Response;
      try {
        response = await cliFetch(`${baseUrl}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        throw unreachable(error);
      }
      const body = (await response.json().catch(() => ({}))) as { status?: string; error?: string };
      if (!response.ok) {
        throw new AppError(
          ErrorCode.unavailable,
          `the Slipway server at ${baseUrl} is not ready (${body.error ?? `HTTP ${response.status}`}) — wait for \`npm start\` to print "is up on", then run the demo again`,
        );
      }
    },
    routerUrl: async () => {
      try {
        return (await call<{ routerUrl: string }>('/api/v1/router')).routerUrl;
      } catch (error) {
        if (error instanceof AppError && error.code === ErrorCode.notFound) {
          throw new AppError(ErrorCode.unavailable, `the server at ${baseUrl} runs no deploy controller (no /api/v1/router): run the demo against \`slipway up\``, { cause: error });
        }
        throw error;
      }
    },
    setPolicy: async (yaml) =>
      (await call<{ policy: { name: string; version: string } }>('/api/v1/canary/policy', { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body: yaml })).policy,
    triggerFromRepo: (input) =>
      call('/api/v1/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
    getRun: (runId) => runs.getRun(runId),
    listDeployments: async (project, environment) =>
      (await call<{ deployments: DemoDeployment[] }>(`/api/v1/projects/${encodeURIComponent(project)}/environments/${encodeURIComponent(environment)}/deployments?limit=20`))
        .deployments,
  };
}
