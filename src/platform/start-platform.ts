import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { createServer } from '../api/create-server.js';
import type { Config } from '../config/index.js';
import { openStore, type Store } from '../store/index.js';
import { version } from '../version.js';

export interface Platform {
  /** Base URL the HTTP server listens on, e.g. http://localhost:8080. */
  url: string;
  /** Stops accepting requests, waits for in-flight ones, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface PlatformHooks {
  /** Called once the port is bound, before the store is opened (which can take seconds). */
  onListening?(url: string): void;
}

/** The composition root of `slipway up`: store, HTTP server; later agents, router and UI join here. */
export async function startPlatform(config: Config, logger: FastifyBaseLogger, hooks: PlatformHooks = {}): Promise<Platform> {
  let store: Store | undefined;
  const storeKind = config.databaseUrl ? 'postgres' : 'pglite';
  const app = createServer({
    version,
    logger,
    checkHealth: async () => {
      if (!store) return { ok: false, store: storeKind, error: 'the store is still opening' };
      try {
        await store.db.query('select 1');
        return { ok: true, store: store.db.kind, schemaVersion: store.migrations.version };
      } catch (error) {
        return { ok: false, store: store.db.kind, error: error instanceof Error ? error.message : String(error) };
      }
    },
  });
  // The port is bound before the store opens: a taken port fails at once, not after initdb.
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const loopback = ['127.0.0.1', '0.0.0.0', '::', '::1'].includes(config.host);
  const url = `http://${loopback ? 'localhost' : config.host}:${port}`;
  hooks.onListening?.(url);
  try {
    store = await openStore(
      config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: join(config.dataDir, 'db') },
    );
  } catch (error) {
    await app.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await store?.close();
      })();
      return closing;
    },
  };
}
