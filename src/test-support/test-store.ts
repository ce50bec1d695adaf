/**
 * Runs a store test suite on both kinds: PGlite (a fresh in-memory instance per test file) and real
 * PostgreSQL (a fresh schema `t_<time>_<random>` per test file, dropped afterwards), so no test file
 * ever sees another's rows. Like graphile-worker's per-file template databases, minus the template:
 * PGlite instances load a cached copy of an initialised data directory (test-pglite.ts). Test infrastructure reads its own environment, not config/:
 * - TEST_DATABASE_URL: default postgres://postgres@127.0.0.1:5432/test
 * - SLIPWAY_REQUIRE_SERVICES=1: an unreachable PostgreSQL fails the suite instead of skipping it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Db, StoreKind } from '../store/db.js';
import { type OpenStoreOptions, type Store, createStore } from '../store/open-store.js';
import { connectPostgres } from '../store/postgres/connect.js';
import { openTestPglite } from './test-pglite.js';

export const testDatabaseUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const requireServices = process.env.SLIPWAY_REQUIRE_SERVICES === '1';

export interface StoreHarness {
  readonly kind: StoreKind;
  /** This file's store: migrated, opened before the file's first test, closed after its last. */
  readonly store: Store;
  /** store.db */
  readonly db: Db;
  /** A new, empty, unmigrated database private to this file; cleaned up after the file. */
  createEmptyDatabase(): Promise<EmptyDatabase>;
}

export interface EmptyDatabase {
  /**
   * A connection to it, as another process would open one: on postgres a new pool per call. PGlite is
   * one process and one connection, so every call returns the same Db (a schema of the file's instance,
   * made the search_path of every statement). The harness closes them.
   */
  connect(): Promise<Db>;
  /** Options that open it with openStore: postgres only (an in-memory PGlite cannot be opened twice). */
  openStoreOptions?: OpenStoreOptions;
}

type Suite = (harness: StoreHarness) => void;

/** describe(title) once per store kind, each with its own harness. */
export function describeEachStore(title: string, suite: Suite): void {
  describePglite(title, suite);
  describePostgres(title, suite);
}

export function describePglite(title: string, suite: Suite): void {
  describe(`${title} [pglite]`, () => defineSuite('pglite', openPgliteFixture, suite));
}

export function describePostgres(title: string, suite: Suite): void {
  if (postgres.ok) {
    describe(`${title} [postgres]`, () => defineSuite('postgres', openPostgresFixture, suite));
  } else if (requireServices) {
    describe(`${title} [postgres]`, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but ${postgres.reason}`);
      });
    });
  } else {
    warnSkippedOnce();
    describe.skip(`${title} [postgres] — skipped: ${postgres.reason}`, () => suite(unopenedHarness('postgres')));
  }
}

interface Fixture {
  store: Store;
  createEmptyDatabase(): Promise<EmptyDatabase>;
  dispose(): Promise<void>;
}

function defineSuite(kind: StoreKind, openFixture: () => Promise<Fixture>, suite: Suite): void {
  let fixture: Fixture | undefined;
  beforeAll(async () => {
    fixture = await openFixture();
  });
  afterAll(async () => {
    await fixture?.dispose();
  });
  const opened = (): Fixture => {
    if (!fixture) throw new Error('the test store opens in beforeAll: use the harness inside tests and hooks');
    return fixture;
  };
  suite({
    kind,
    get store() {
      return opened().store;
    },
    get db() {
      return opened().store.db;
    },
    createEmptyDatabase: () => opened().createEmptyDatabase(),
  });
}

function unopenedHarness(kind: StoreKind): StoreHarness {
  const fail = (): never => {
    throw new Error('this suite is skipped');
  };
  return {
    kind,
    get store() {
      return fail();
    },
    get db() {
      return fail();
    },
    createEmptyDatabase: fail,
  };
}

async function openPgliteFixture(): Promise<Fixture> {
  const store = await createStore(await openTestPglite());
  let emptyDatabases = 0;
  return {
    store,
    // A schema of the file's own instance rather than a new instance: loading one costs ~2 s.
    createEmptyDatabase: async () => {
      const schema = `empty_${++emptyDatabases}`;
      await store.db.exec(`CREATE SCHEMA ${schema}`);
      const scoped = scopeToSchema(store.db, schema);
      return { connect: async () => scoped };
    },
    dispose: () => store.close(),
  };
}

/**
 * A view of a single-connection Db in which unqualified names resolve in `schema`: every statement
 * runs in a transaction that first sets search_path for that transaction only.
 */
function scopeToSchema(db: Db, schema: string): Db {
  const enter = (tx: Db) => tx.query(`SET LOCAL search_path TO ${schema}`);
  return {
    kind: db.kind,
    query: (sql, params) =>
      db.transaction(async (tx) => {
        await enter(tx);
        return tx.query(sql, params);
      }),
    exec: (sql) =>
      db.transaction(async (tx) => {
        await enter(tx);
        await tx.exec(sql);
      }),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await enter(tx);
        return fn(tx);
      }),
    close: async () => {},
  };
}

const connectionsPerPool = 4;

async function openPostgresFixture(): Promise<Fixture> {
  const admin = await connectPostgres({ databaseUrl: testDatabaseUrl, maxConnections: 1 });
  await dropStaleSchemas(admin);
  const schemas: string[] = [];
  const pools: Db[] = [];
  const newSchema = (): string => {
    const schema = `t_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    return schema;
  };
  let store: Store;
  try {
    // Small pools: test files may run in parallel against one server (max_connections is often 100),
    // and a few connections are all a concurrency test needs to interleave for real.
    store = await createStore(
      await connectPostgres({ databaseUrl: testDatabaseUrl, schema: newSchema(), maxConnections: connectionsPerPool }),
    );
  } catch (err) {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.close();
    throw err;
  }
  return {
    store,
    createEmptyDatabase: async () => {
      const options = { databaseUrl: testDatabaseUrl, schema: newSchema() };
      return {
        connect: async () => {
          const db = await connectPostgres({ ...options, maxConnections: connectionsPerPool });
          pools.push(db);
          return db;
        },
        openStoreOptions: options,
      };
    },
    dispose: async () => {
      await Promise.all([store.close(), ...pools.map((db) => db.close())]);
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    },
  };
}

const staleSchemaAgeSeconds = 3600;

/** Schemas left by killed test runs: their name starts with their creation time. */
async function dropStaleSchemas(admin: Db): Promise<void> {
  const nowSeconds = Date.now() / 1000;
  const { rows } = await admin.query<{ name: string }>(
    "SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[0-9a-z]+_[0-9a-f]{10}$'",
  );
  for (const { name } of rows) {
    const createdSeconds = Number.parseInt(name.split('_')[1]!, 36);
    if (nowSeconds - createdSeconds < staleSchemaAgeSeconds) continue;
    // Another test file may be dropping the same schema right now.
    await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => {});
  }
}

type Probe = { ok: true } | { ok: false; reason: string };

async function probePostgres(): Promise<Probe> {
  try {
    const db = await connectPostgres({ databaseUrl: testDatabaseUrl, maxConnections: 1, connectTimeoutMs: 3000 });
    await db.close();
    return { ok: true };
  } catch (err) {
    // The store's message ends with advice about DATABASE_URL; tests are configured differently.
    const message = (err instanceof Error ? err.message : String(err)).split(' — ')[0];
    return { ok: false, reason: `${message} (TEST_DATABASE_URL=${redactPassword(testDatabaseUrl)})` };
  }
}

function redactPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(not a URL)';
  }
}

const postgres = await probePostgres();

let warned = false;
function warnSkippedOnce(): void {
  if (warned || postgres.ok) return;
  warned = true;
  console.warn(
    `PostgreSQL store tests are SKIPPED: ${postgres.reason}. Start PostgreSQL or set TEST_DATABASE_URL; SLIPWAY_REQUIRE_SERVICES=1 makes this a failure.`,
  );
}
