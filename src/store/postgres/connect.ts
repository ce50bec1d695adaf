import pg from 'pg';
import type { Db, QueryResult } from '../db.js';
import { quoteSchemaName } from '../schema-name.js';
import { createTransactionHandle } from '../transaction-handle.js';
import { describeTarget, toConnectionError } from './connection-error.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  databaseUrl: string;
  /** Schema that holds every table, created when missing. Default: the server's search_path (public). */
  schema?: string;
  /** Pool size. Default 10. */
  maxConnections?: number;
  /** How long to wait for a new connection before giving up. Default 10_000 ms. */
  connectTimeoutMs?: number;
}

/** bigint as a JS number, as PGlite does: ids and counts stay far below 2^53. */
function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A Db over a pg.Pool: each transaction() takes one pooled connection; plain queries take any. */
export async function connectPostgres(options: PostgresOptions): Promise<Db> {
  const target = describeTarget(options.databaseUrl);
  const quotedSchema = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: quotedSchema ? withSearchPath(options.databaseUrl, quotedSchema) : options.databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types: typeParsers,
  });
  // An idle pooled connection that dies (server restart) emits 'error'; unhandled it would kill the
  // process. The pool drops that connection and the next query reports a failure if one persists.
  pool.on('error', () => {});

  const translate = (err: unknown): unknown => toConnectionError(err, target) ?? err;
  const run = async <T>(on: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    try {
      const result = await on.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 } satisfies QueryResult<T>;
    } catch (err) {
      throw translate(err);
    }
  };

  let closed = false;
  const db: Db = {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    exec: async (sql) => {
      await run(pool, sql);
    },
    transaction: async (fn) => {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw translate(err);
      }
      // A checked-out connection whose backend dies emits 'error' too; the failing statement reports it.
      const ignore = (): void => {};
      client.on('error', ignore);
      const handle = createTransactionHandle('postgres', {
        query: (sql, params) => run(client, sql, params),
        exec: async (sql) => {
          await run(client, sql);
        },
      });
      let broken = false;
      try {
        await run(client, 'BEGIN');
        const result = await fn(handle.tx);
        await run(client, 'COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        handle.finish();
        client.off('error', ignore);
        // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
        client.release(broken);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };

  try {
    if (quotedSchema) await createSchema(db, quotedSchema);
    else await db.query('SELECT 1');
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/**
 * Sets search_path in the URL's startup options, so every pooled connection has it from its first
 * statement on. In the URL rather than the pool config because pg lets URL parameters win.
 */
function withSearchPath(databaseUrl: string, quotedSchema: string): string {
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options');
  url.searchParams.set('options', [options, `-c search_path=${quotedSchema}`].filter(Boolean).join(' '));
  return url.toString();
}

async function createSchema(db: Db, quotedSchema: string): Promise<void> {
  try {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
  } catch (err) {
    // Two processes creating the same schema at once: IF NOT EXISTS does not cover that race, and
    // the loser sees a unique violation on the catalog. The schema exists either way.
    const code = (err as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}
