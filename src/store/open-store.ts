import { type MigrationReport, applyMigrations } from './apply-migrations.js';
import type { Db } from './db.js';
import { loadMigrations } from './load-migrations.js';
import { connectPglite } from './pglite/connect.js';
import { connectPostgres } from './postgres/connect.js';

export interface OpenStoreOptions {
  /** PostgreSQL URL (postgres://user:password@host:5432/db). Set: PostgreSQL; unset: the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory, created when missing; unset: in memory, gone on close. Ignored with databaseUrl. */
  dataDir?: string;
  /** Schema that holds every table, created when missing. Default: public. */
  schema?: string;
}

/** An open, migrated database. */
export interface Store {
  db: Db;
  /** What start-up migrated. */
  migrations: MigrationReport;
  close(): Promise<void>;
}

/**
 * Connects (PostgreSQL when databaseUrl is set, else PGlite) and applies pending migrations. A server
 * that cannot be reached, or refuses the login, fails with an AppError `unavailable` that says where
 * and what to do, and never contains the URL's password.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const db = options.databaseUrl
    ? await connectPostgres({ databaseUrl: options.databaseUrl, schema: options.schema })
    : await connectPglite({ dataDir: options.dataDir, schema: options.schema });
  return createStore(db);
}

/** Applies pending migrations to an open Db and wraps it as a Store; closes db if migrating fails. */
export async function createStore(db: Db): Promise<Store> {
  try {
    const migrations = await applyMigrations(db, await loadMigrations());
    return { db, migrations, close: () => db.close() };
  } catch (err) {
    await db.close();
    throw err;
  }
}
