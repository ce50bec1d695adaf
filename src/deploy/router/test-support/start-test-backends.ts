/**
 * Test support: tiny node:http backends on 127.0.0.1 that answer their version, and a client that keeps
 * its cookies and connections the way a browser would.
 */
import { Agent, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterBackend, Track } from '../router.js';

export interface TestBackend extends RouterBackend {
  stop(): Promise<void>;
}

export async function startTestBackend(id: string, version: string, track: Track): Promise<TestBackend> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(version);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    id,
    version,
    track,
    host: '127.0.0.1',
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on: a backend that is down. */
export async function reserveDeadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestResponse {
  status: number;
  version: string | undefined;
  body: string;
}

export interface TestClient {
  get(headers?: Record<string, string>): Promise<TestResponse>;
  readonly cookies: ReadonlyMap<string, string>;
  close(): void;
}

/** One client: its own keep-alive connection and cookie jar, talking to `service` through the router. */
export function createTestClient(routerUrl: string, service: string, timeoutMs = 10_000): TestClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const cookies = new Map<string, string>();
  const url = new URL(routerUrl);
  return {
    cookies,
    get: (extra = {}) =>
      new Promise((resolve, reject) => {
        const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const req = request(
          { host: url.hostname, port: url.port, path: '/', agent, timeout: timeoutMs, headers: { host: service, ...(cookie ? { cookie } : {}), ...extra } },
          (res) => {
            for (const line of res.headers['set-cookie'] ?? []) {
              const [pair] = line.split(';');
              const eq = pair!.indexOf('=');
              cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
            }
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, version: [res.headers['x-slipway-version']].flat()[0], body }));
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end();
      }),
    close: () => agent.destroy(),
  };
}

/** Polls until check() passes or the deadline; never sleeps for a fixed time. */
export async function eventually(check: () => void, timeoutMs = 10_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
