import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Asks the OS for a port that is free right now on `host` (listen on 0, close, hand the number over).
 * Another process may take it before the replica binds it; the replica then exits with EADDRINUSE,
 * which describeEarlyExit reports, and a restart gets the same port once it is free again.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
