import { clearIdentity, readCsrfToken } from '../identity.js';

/** An error answer of the API (`{error: {code, message, details}}`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls the API on this origin with the session cookie; changes also send the session's CSRF token.
 * A 401 means the session ended: the page shows the sign-in form again.
 */
export async function api<T>(path: string, init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const method = init.method ?? 'GET';
  const csrf = readCsrfToken();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError('the server did not answer: is it running?', 0, 'unavailable');
  }
  const text = await response.text();
  const json = text === '' ? undefined : safeParse(text);
  if (response.status === 401 && path !== '/api/v1/session') clearIdentity();
  if (!response.ok) {
    const problem = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(problem?.message ?? `${response.status} ${response.statusText}`, response.status, problem?.code ?? 'unknown');
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A path segment: project names carry slashes (`acme/web`). */
export const seg = (value: string | number): string => encodeURIComponent(String(value));
