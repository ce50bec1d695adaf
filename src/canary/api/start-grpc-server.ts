import { createServer, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { CanaryService } from '../gen/slipway/canary/v1/canary_pb.js';
import { type CanaryServiceDeps, createCanaryService } from './create-canary-service.js';

export interface GrpcServerOptions extends CanaryServiceDeps {
  /** TCP port on 127.0.0.1; 0 picks a free one (see the returned port). */
  port: number;
  /** Largest request message; bigger ones are refused with resource_exhausted. Default 4 MiB, as gRPC's. */
  readMaxBytes?: number;
  /** How long close() lets open calls finish before cutting them (watch streams never finish). Default 1000. */
  closeGraceMs?: number;
}

export interface GrpcServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves CanaryService over HTTP/2 without TLS (h2c) on 127.0.0.1, for gRPC, gRPC-Web and Connect
 * clients alike. Loopback only: anything remote reaches it through a TLS-terminating proxy.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const handler = connectNodeAdapter({
    routes: (router) => router.service(CanaryService, createCanaryService(options)),
    readMaxBytes: options.readMaxBytes ?? 4 * 1024 * 1024,
  });
  const server = createServer(handler);
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.close();
        const timer = setTimeout(() => {
          for (const session of sessions) session.destroy();
        }, options.closeGraceMs ?? 1000);
        timer.unref();
      });
      return closing;
    },
  };
}
