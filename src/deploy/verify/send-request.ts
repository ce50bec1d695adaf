/**
 * One HTTP request, timed from the call to the last byte of the body (as `hey` does), never
 * rejecting: every way it can end is a `RequestResult`, so the load loops stay simple.
 */
import { type RequestOptions, request } from 'node:http';

export type RequestResult =
  | { kind: 'response'; status: number; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number }
  | { kind: 'connection'; code: string; latencyMs: number };

export interface SendRequestOptions {
  /** Host, port, path, method, headers and agent, built once per path: a URL per request costs ~10% req/s. */
  request: RequestOptions;
  body: string | undefined;
  timeoutMs: number;
  nowMs: () => number;
}

export function sendRequest(o: SendRequestOptions): Promise<RequestResult> {
  return new Promise((resolve) => {
    const startMs = o.nowMs();
    let settled = false;
    const settle = (result: RequestResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const connectionError = (error: NodeJS.ErrnoException) =>
      settle({ kind: 'connection', code: error.code ?? error.message, latencyMs: o.nowMs() - startMs });

    // Our own timer rather than req.setTimeout: that one measures socket idleness, not the request.
    const timer = setTimeout(() => {
      settle({ kind: 'timeout', latencyMs: o.nowMs() - startMs });
      req.destroy();
    }, o.timeoutMs);

    const req = request(o.request, (res) => {
      res.on('data', () => {});
      res.on('end', () => settle({ kind: 'response', status: res.statusCode ?? 0, latencyMs: o.nowMs() - startMs }));
      res.on('error', connectionError);
      // A socket closed mid-body ends without 'end' on some Node versions; do not wait for the timer.
      res.on('close', () => {
        if (!res.complete) settle({ kind: 'connection', code: 'ECONNRESET', latencyMs: o.nowMs() - startMs });
      });
    });
    req.on('error', connectionError);
    req.end(o.body);
  });
}
