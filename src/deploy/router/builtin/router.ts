import { Agent, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../../../clock/clock.js';
import { hashToPoint, readCookie, serviceFromHost } from '../choose-sticky.js';
import { type RouterOptions, type RouterState, type TrafficRouter, versionHeader } from '../router.js';
import { validateBackends, validateServiceName, validateSticky, validateWeights } from '../validate-router-input.js';
import { proxyRequest } from './proxy-request.js';
import { type ServiceTable, createServiceTable } from './service-table.js';
import { createStickyKeys } from './sticky-keys.js';

export interface BuiltinRouterOptions extends RouterOptions {
  /** A backend that has not answered within this is a 504; default 30 000. */
  upstreamTimeoutMs?: number;
  /** Header stickiness remembers at most this many header values; default 100 000. */
  maxStickyKeys?: number;
}

/** The embedded default: a node:http reverse proxy on 127.0.0.1 with keep-alive connections to backends. */
export async function createBuiltinRouter(options: BuiltinRouterOptions = {}): Promise<TrafficRouter> {
  validateSticky(options.sticky);
  if (options.defaultService !== undefined) validateServiceName(options.defaultService);
  const clock = options.clock ?? systemClock;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const sticky = options.sticky;
  const stickyKeys = createStickyKeys(options.maxStickyKeys);
  const tables = new Map<string, ServiceTable>();
  // Keep-alive to backends: a new TCP connection per request would dominate the added latency.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

  function chooseVersion(req: IncomingMessage, service: string, table: ServiceTable): { version?: string; setCookie?: string } {
    if (sticky && 'cookie' in sticky) {
      const kept = table.keep(readCookie(req.headers.cookie, sticky.cookie));
      if (kept) return { version: kept };
      const version = table.pickVersion();
      return version ? { version, setCookie: `${sticky.cookie}=${version}; Path=/; HttpOnly; SameSite=Lax` } : {};
    }
    const key = sticky ? [req.headers[sticky.header.toLowerCase()]].flat()[0] : undefined;
    if (sticky && key !== undefined) {
      const stickyKey = `${service}\0${key}`;
      const kept = table.keep(stickyKeys.get(stickyKey));
      if (kept) return { version: kept };
      const version = table.pickVersionForKey(hashToPoint(key));
      if (version) stickyKeys.set(stickyKey, version);
      return { version };
    }
    return { version: table.pickVersion() };
  }

  function serviceOf(req: IncomingMessage): string | undefined {
    const named = serviceFromHost(req.headers.host);
    return named !== undefined && tables.has(named) ? named : options.defaultService;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const timeMs = clock.now();
    const service = serviceOf(req);
    const table = service === undefined ? undefined : tables.get(service);
    if (service === undefined || table === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`slipway router: no service is named by Host "${req.headers.host ?? ''}"; send Host: <service> (its first label names the service)\n`);
      return;
    }
    const { version, setCookie } = chooseVersion(req, service, table);
    const backend = version === undefined ? undefined : table.pickBackend(version);
    if (!backend) {
      const error = `service "${service}" has no backend with weight > 0 (weights ${JSON.stringify(table.weights)})`;
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`slipway router: ${error}\n`);
      options.onRequest?.({ service, status: 503, latencyMs: performance.now() - started, timeMs, error });
      return;
    }
    const extraHeaders: OutgoingHttpHeaders = { [versionHeader]: backend.version };
    if (setCookie) extraHeaders['set-cookie'] = setCookie;
    const describe = `backend "${backend.id}" (version ${backend.version}, ${backend.host}:${backend.port}) of service "${service}"`;
    const outcome = await proxyRequest(req, res, backend, { agent, extraHeaders, timeoutMs: upstreamTimeoutMs, describe });
    options.onRequest?.({
      service,
      version: backend.version,
      track: backend.track,
      backendId: backend.id,
      status: outcome.status,
      latencyMs: performance.now() - started,
      timeMs,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }

  const server: Server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`slipway router: internal error ${String(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    setBackends: async (service, backends) => {
      validateBackends(service, backends);
      tables.set(service, createServiceTable([...backends], tables.get(service)?.weights));
    },
    setWeights: async (service, weights) => {
      validateWeights(service, weights);
      tables.set(service, createServiceTable(tables.get(service)?.backends ?? [], { ...weights }));
    },
    readState: async (): Promise<RouterState> => ({ services: Object.fromEntries([...tables].map(([name, t]) => [name, t.state()])) }),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closed;
    },
  };
}
