import { request } from 'node:http';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/**
 * One HTTP GET probe. 2xx and 3xx pass (as Kubernetes' httpGet does); anything else, a connection
 * error or no answer within timeoutMs fails. Never rejects.
 */
export function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    // agent: false: a fresh connection per probe, so a probe never rides a socket the app half-closed.
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      settle(status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `HTTP ${status}` });
    });
    req.on('timeout', () => {
      settle({ ok: false, reason: `no answer within ${timeoutMs} ms` });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, reason: error.code ?? error.message }));
    req.end();
  });
}
