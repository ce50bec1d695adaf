import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db, QueryResult } from '../db.js';
import { quoteSchemaName } from '../schema-name.js';
import { createTransactionHandle } from '../transaction-handle.js';
import { type DataDirLock, lockDataDir } from './data-dir-lock.js';

/**
 * bytea parameters go as binary (PGlite sends a serialized Uint8Array in binary format) instead of
 * its default hex text: half the time of a 1 MiB log chunk insert (bench/log-latency.mjs). Its
 * typings say serializers return strings; connect.test.ts checks that the bytes round-trip.
 */
const queryOptions = { serializers: { [17 /* bytea */]: (value: unknown) => value as string } };

export interface PgliteOptions {
  /** Directory of the database files (its parents are created). Omit for an in-memory database. */
  dataDir?: string;
  /** Schema that holds every table, created when missing. Default: public. */
  schema?: string;
}

/** Opens the embedded database: PostgreSQL in this process, one connection, one process at a time. */
export async function connectPglite(options: PgliteOptions = {}): Promise<Db> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const quotedSchema = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  let pglite: PGlite;
  let lock: DataDirLock | undefined;
  try {
    if (dataDir) {
      await mkdir(dirname(dataDir), { recursive: true });
      lock = await lockDataDir(dataDir);
    }
    pglite = await PGlite.create(dataDir);
  } catch (err) {
    await lock?.release();
    if (err instanceof AppError) throw err;
    const where = dataDir ? `in ${dataDir}` : 'in memory';
    throw new AppError(
      ErrorCode.unavailable,
      `cannot open the embedded database ${where}: ${err instanceof Error ? err.message : String(err)}` +
        (dataDir ? ' — check that the directory is writable and not used by another slipway process' : ''),
      { cause: err },
    );
  }
  const db = createPgliteDb(pglite, lock);
  if (quotedSchema) {
    // One connection for the life of the Db, so setting the search_path once covers every statement.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}; SET search_path TO ${quotedSchema}`);
  }
  return db;
}

/**
 * Wraps an open PGlite instance (and takes ownership of it). PGlite is a single connection, so every
 * top-level statement and transaction waits its turn in one queue: a transaction never sees another
 * caller's statements between its BEGIN and COMMIT.
 */
export function createPgliteDb(pglite: PGlite, lock?: DataDirLock): Db {
  let tail: Promise<unknown> = Promise.resolve();
  const transactionScope = new AsyncLocalStorage<{ open: boolean }>();

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    if (transactionScope.getStore()?.open) {
      // The queue is held by the enclosing transaction, so waiting here would wait forever.
      return Promise.reject(
        new AppError(
          ErrorCode.internal,
          'the store was used directly inside one of its own transactions; with the embedded database that would wait forever — use the tx handle passed to the transaction() callback',
        ),
      );
    }
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };

  const run = async <T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
    try {
      const result = await pglite.query<T>(sql, params as unknown[] | undefined, queryOptions);
      // PGlite answers without ever giving the event loop a turn: a chain of queries (a deployment
      // writing its progress) held off every socket and timer in the process — the built-in router's
      // requests included (11–67 ms stalls measured). One setImmediate hop lets I/O and timers run.
      await new Promise((resolve) => setImmediate(resolve));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw pglite.closed ? new AppError(ErrorCode.unavailable, 'the embedded database is closed', { cause: err }) : err;
    }
  };
  const runScript = async (sql: string): Promise<void> => {
    try {
      await pglite.exec(sql);
    } catch (err) {
      throw pglite.closed ? new AppError(ErrorCode.unavailable, 'the embedded database is closed', { cause: err }) : err;
    }
  };

  return {
    kind: 'pglite',
    query: (sql, params) => exclusive(() => run(sql, params)),
    exec: (sql) => exclusive(() => runScript(sql)),
    transaction: (fn) =>
      exclusive(async () => {
        const handle = createTransactionHandle('pglite', { query: run, exec: runScript });
        const scope = { open: true };
        try {
          await run('BEGIN');
          const result = await transactionScope.run(scope, () => fn(handle.tx));
          await run('COMMIT');
          return result;
        } catch (err) {
          if (!pglite.closed) await run('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          scope.open = false;
          handle.finish();
        }
      }),
    close: () =>
      exclusive(async () => {
        if (!pglite.closed) await pglite.close();
        await lock?.release();
      }),
  };
}
