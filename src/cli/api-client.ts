import { readSseEvents } from '../agent/read-sse-events.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { sleep } from '../clock/sleep.js';
import { cliFetch } from './credentials.js';

/** The default server of the CLI's client verbs: what `slipway up` listens on. */
export const defaultServerUrl = 'http://localhost:8080';

/** `--server`, else SLIPWAY_SERVER, else the local `slipway up`. The environment is passed in by the command. */
export function resolveServerUrl(flag: string | undefined, env: Record<string, string | undefined>): string {
  const value = flag ?? (env['SLIPWAY_SERVER'] || defaultServerUrl);
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // Reported below.
  }
  throw new AppError(ErrorCode.invalidArgument, `expected an http(s) server URL like http://ci.example:8080, got '${value}' (--server or SLIPWAY_SERVER)`);
}

export const finishedRunStatuses: readonly string[] = ['succeeded', 'failed', 'canceled'];

/** The JSON shapes of the API (dates are ISO strings on the wire). */
export interface ApiJob {
  id: number;
  jobKey: string;
  status: string;
  attempt: number;
  startedAt: string | null;
  finishedAt: string | null;
  failure: { kind: string; message: string } | null;
}
export interface ApiRun {
  id: number;
  number: number;
  project?: string;
  ref: string;
  status: string;
  pipelineName: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}
export interface ApiRunDetail extends ApiRun {
  jobs: ApiJob[];
}
export interface TriggeredRun {
  runId: number;
  number: number;
  jobs: { id: number; key: string; status: string }[];
}
/** What canceling a run did: jobs canceled at once, and running jobs whose agents were told to stop. */
export interface CanceledRunAnswer {
  runId: number;
  canceledJobIds: number[];
  running: number[];
}
export interface JobLogText {
  text: string;
  complete: boolean;
}
/** What the API shows of a secret: never its value. `environment` null: project-wide. */
export interface ApiSecret {
  name: string;
  environment: string | null;
  createdAt: string;
  updatedAt: string;
}
/** A piece of a job's log; `nextOffset` is where a reconnect resumes. */
export interface LogPiece {
  text: string;
  nextOffset: number;
}

export interface ApiClient {
  readonly baseUrl: string;
  triggerRun(input: { project: string; ref: string; pipeline: string; priority?: number }): Promise<TriggeredRun>;
  getRun(runId: number): Promise<ApiRunDetail>;
  listRuns(input: { project?: string; limit: number; before?: number }): Promise<{ runs: ApiRun[]; next: number | null }>;
  cancelRun(runId: number): Promise<CanceledRunAnswer>;
  readJobLog(jobId: number): Promise<JobLogText>;
  /**
   * Follows a job's log over SSE until its `end` event (or the signal aborts), reconnecting from the
   * last received offset (Last-Event-ID) when the connection drops, so nothing repeats or goes missing.
   */
  followJobLog(jobId: number, options: { signal: AbortSignal; fromOffset?: number; retryDelayMs?: number; maxRetries?: number }): AsyncGenerator<LogPiece>;
  setSecret(input: { project: string; name: string; value: string; environment?: string }): Promise<void>;
  listSecrets(input: { project: string; environment?: string }): Promise<ApiSecret[]>;
  deleteSecret(input: { project: string; name: string; environment?: string }): Promise<void>;
}

export function createApiClient(baseUrl: string): ApiClient {
  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await cliFetch(`${baseUrl}${path}`, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new AppError(
        ErrorCode.unavailable,
        `cannot reach the Slipway server at ${baseUrl} — is \`slipway up\` running? (set --server or SLIPWAY_SERVER)`,
        { cause: error },
      );
    }
    if (!response.ok) throw await toAppError(response, `${init.method ?? 'GET'} ${path}`);
    return response;
  };
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await (await request(path, init)).json()) as T;

  return {
    baseUrl,
    triggerRun: (input) =>
      json<TriggeredRun>('/api/v1/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
    getRun: (runId) => json<ApiRunDetail>(`/api/v1/runs/${runId}`),
    listRuns: async ({ project, limit, before }) => {
      const query = new URLSearchParams({ limit: String(limit), ...(project === undefined ? {} : { project }), ...(before === undefined ? {} : { before: String(before) }) });
      return json<{ runs: ApiRun[]; next: number | null }>(`/api/v1/runs?${query}`);
    },
    cancelRun: (runId) => json<CanceledRunAnswer>(`/api/v1/runs/${runId}/cancel`, { method: 'POST' }),
    setSecret: async ({ project, name, value, environment }) => {
      await request(`/api/v1/projects/${encodeURIComponent(project)}/secrets/${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(environment === undefined ? { value } : { value, environment }),
      });
    },
    listSecrets: async ({ project, environment }) => {
      const query = environment === undefined ? '' : `?${new URLSearchParams({ environment })}`;
      return (await json<{ secrets: ApiSecret[] }>(`/api/v1/projects/${encodeURIComponent(project)}/secrets${query}`)).secrets;
    },
    deleteSecret: async ({ project, name, environment }) => {
      const query = environment === undefined ? '' : `?${new URLSearchParams({ environment })}`;
      await request(`/api/v1/projects/${encodeURIComponent(project)}/secrets/${encodeURIComponent(name)}${query}`, { method: 'DELETE' });
    },
    readJobLog: async (jobId) => {
      const response = await request(`/api/v1/jobs/${jobId}/log.txt`);
      return { text: await response.text(), complete: response.headers.get('x-log-complete') === 'true' };
    },
    followJobLog: async function* (jobId, options) {
      let offset = options.fromOffset ?? 0;
      let failures = 0;
      const maxRetries = options.maxRetries ?? 10;
      while (!options.signal.aborted) {
        try {
          const response = await request(`/api/v1/jobs/${jobId}/logs`, {
            headers: { accept: 'text/event-stream', 'last-event-id': String(offset) },
            signal: options.signal,
          });
          if (!response.body) throw new AppError(ErrorCode.internal, `the log stream of job ${jobId} has no body`);
          for await (const event of readSseEvents(response.body)) {
            failures = 0;
            if (event.event === 'chunk') {
              const chunk = JSON.parse(event.data) as { offset: number; text: string };
              const next = event.id === undefined ? chunk.offset + Buffer.byteLength(chunk.text) : Number(event.id);
              if (next <= offset) continue;
              offset = next;
              yield { text: chunk.text, nextOffset: offset };
            } else if (event.event === 'end') {
              return;
            } else if (event.event === 'error') {
              const { code, message } = JSON.parse(event.data) as { code?: string; message?: string };
              throw new AppError(ErrorCode.unavailable, `the log stream of job ${jobId} failed: ${message ?? code ?? 'unknown error'}`);
            }
          }
          // The stream closed without `end`: the server restarted or the connection dropped. Resume.
        } catch (error) {
          if (options.signal.aborted) return;
          // An error answer (not_found, a bad offset) will not change on retry; a lost connection may.
          if (error instanceof AppError && error.code !== ErrorCode.unavailable) throw error;
          failures += 1;
          if (failures > maxRetries) {
            throw error instanceof AppError
              ? error
              : new AppError(ErrorCode.unavailable, `lost the log stream of job ${jobId} at byte ${offset} and could not resume it`, { cause: error });
          }
        }
        await sleep(options.retryDelayMs ?? 500, options.signal);
      }
    },
  };
}

/** The API's error body as an AppError (its code, message and details), for any failed response. */
export async function toAppError(response: Response, what: string): Promise<AppError> {
  const text = await response.text().catch(() => '');
  let body: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not the API's error shape (a proxy's page?): reported with the status below.
  }
  const known = Object.values(ErrorCode) as string[];
  const code = body?.error?.code !== undefined && known.includes(body.error.code) ? (body.error.code as ErrorCode) : ErrorCode.internal;
  let message = body?.error?.message ?? `${what} answered HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  const diagnostics = body?.error?.details?.['diagnostics'];
  if (Array.isArray(diagnostics)) {
    for (const d of diagnostics as { text?: unknown }[]) if (typeof d.text === 'string') message += `\n  ${d.text}`;
  }
  return new AppError(code, message, { details: { status: response.status, ...(body?.error?.details ?? {}) } });
}
