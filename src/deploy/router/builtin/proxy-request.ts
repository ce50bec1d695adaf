import { type Agent, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse, request } from 'node:http';
import type { RouterBackend } from '../router.js';

/** Hop-by-hop headers (RFC 9110 7.6.1) are the proxy's own business on each side, never forwarded. */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization']);

export interface ProxyOutcome {
  status: number;
  error?: string;
}

/**
 * Forwards one request to a backend and streams the response back with `extraHeaders` added. Resolves
 * when the response is finished (or the client went away); a backend that cannot be reached becomes a
 * 502 (504 on timeout) with a body saying which backend, never an exception.
 */
export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: RouterBackend,
  options: { agent: Agent; extraHeaders: OutgoingHttpHeaders; timeoutMs: number; describe: string },
): Promise<ProxyOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: ProxyOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!hopByHop.has(name) && value !== undefined) headers[name] = value;
    const peer = req.socket.remoteAddress ?? 'unknown';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
    const upstream = request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: options.agent,
      timeout: options.timeoutMs,
    });
    upstream.on('response', (upstreamRes) => {
      const out: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(upstreamRes.headers)) if (!hopByHop.has(name) && value !== undefined) out[name] = value;
      for (const [name, value] of Object.entries(options.extraHeaders)) {
        const existing = out[name];
        // Set-Cookie from the application and the router's own sticky cookie must both reach the client.
        out[name] = existing !== undefined && name === 'set-cookie' ? [...[existing].flat().map(String), ...[value].flat().map(String)] : value;
      }
      const status = upstreamRes.statusCode ?? 502;
      res.writeHead(status, out);
      upstreamRes.pipe(res);
      upstreamRes.on('error', (err) => {
        res.destroy(err);
        settle({ status, error: `${options.describe}: response broke off: ${err.message}` });
      });
    });
    res.on('close', () => {
      if (res.writableFinished) return settle({ status: res.statusCode });
      upstream.destroy();
      // 499, nginx's "client closed request": the client left before any response was sent.
      settle({ status: res.headersSent ? res.statusCode : 499, error: `${options.describe}: the client went away before the response ended` });
    });
    upstream.on('timeout', () => upstream.destroy(Object.assign(new Error(`no response within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy(err);
        settle({ status: res.statusCode, error: `${options.describe}: ${err.message}` });
        return;
      }
      const status = err.code === 'ETIMEDOUT' ? 504 : 502;
      const error = `${options.describe} is unreachable: ${err.code ?? err.message}`;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...options.extraHeaders });
      res.end(`slipway router: ${error}\n`);
      settle({ status, error });
    });
    req.pipe(upstream);
  });
}
