import type { Db } from '../../store/index.js';
import type { StoreHarness } from '../../test-support/test-store.js';

export interface IsolatedDatabase {
  /** A DATABASE_URL for child processes: every connection's search_path is the test's own schema. */
  databaseUrl: string;
  /** A pool on the same schema, for the test's own reads; the harness closes it. */
  db: Db;
}

/**
 * A fresh, empty schema of the harness's PostgreSQL (dropped after the test file), reachable from
 * other processes through DATABASE_URL alone: `slipway server` has no schema option, but libpq-style
 * `options=-c search_path=…` in the URL reaches every pooled connection (as connectPostgres does).
 */
export async function createIsolatedDatabase(harness: StoreHarness): Promise<IsolatedDatabase> {
  const empty = await harness.createEmptyDatabase();
  const options = empty.openStoreOptions;
  if (!options?.databaseUrl || !options.schema) throw new Error('an isolated database needs the postgres harness');
  // Creates the schema, so the server's migrations find it.
  const db = await empty.connect();
  return { databaseUrl: postgresUrlWithSchema(options.databaseUrl, options.schema), db };
}

export function postgresUrlWithSchema(databaseUrl: string, schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`schema name ${schema} would need quoting`);
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', [options, `-c search_path=${schema}`].filter(Boolean).join(' '));
  return url.toString();
}
