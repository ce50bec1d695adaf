/** The answer of one POST, as data: a failure says whether another attempt may succeed. */
export type PostResult =
  | { ok: true; statusCode: number }
  | { ok: false; statusCode: number | null; error: string; retryable: boolean };

const maxErrorBodyChars = 200;

/**
 * POSTs `payload` as JSON to `url`, giving up after timeoutMs (connect, headers and body together).
 * 2xx is delivered; 408, 429 and 5xx, refused connections and timeouts may pass later; any other 4xx
 * (a revoked Slack hook answers 404 or 410) will not, so retrying it only adds load.
 */
export async function postWebhook(url: string, payload: unknown, timeoutMs: number): Promise<PostResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'slipway-notifier' },
      body: JSON.stringify(payload),
      redirect: 'error',
      signal,
    });
    const body = await response.text();
    if (response.ok) return { ok: true, statusCode: response.status };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    const detail = body.trim().slice(0, maxErrorBodyChars);
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${detail ? `: ${detail}` : ''}`, retryable };
  } catch (error) {
    if (signal.aborted) return { ok: false, statusCode: null, error: `no answer within ${timeoutMs} ms`, retryable: true };
    return { ok: false, statusCode: null, error: describeNetworkError(error), retryable: true };
  }
}

/** fetch's own message is "fetch failed"; the cause says what happened (ECONNREFUSED 127.0.0.1:9). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message) return cause.code && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return error instanceof Error ? error.message : String(error);
}
