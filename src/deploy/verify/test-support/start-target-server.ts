/**
 * A real node:http target on 127.0.0.1:0 whose behaviour is chosen by path, for load test tests:
 * /ok 200, /slow?ms=N 200 after N ms, /500 and /404, /reset destroys the socket (connection error),
 * /hang never answers (timeout). Counts requests per path and the TCP connections it accepted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TargetServer {
  url: string;
  /** Requests seen, by path without the query, in arrival order. */
  paths: string[];
  connections(): number;
  close(): Promise<void>;
}

export async function startTargetServer(): Promise<TargetServer> {
  const paths: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://target');
    paths.push(url.pathname);
    switch (url.pathname) {
      case '/slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          res.end('slow');
        }, Number(url.searchParams.get('ms') ?? 50));
        timers.add(timer);
        return;
      }
      case '/500':
        res.statusCode = 500;
        res.end('boom');
        return;
      case '/404':
        res.statusCode = 404;
        res.end('nope');
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/hang':
        return;
      default:
        res.end('ok');
    }
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    connections: () => connections,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: bound once, then released. */
export async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
