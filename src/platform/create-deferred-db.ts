import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db, StoreKind } from '../store/index.js';

export interface DeferredDb extends Db {
  /** From now on every call goes to db. */
  resolve(db: Db): void;
}

/**
 * A Db handle usable before the store is open: routes are registered before the port is bound, and
 * the port is bound before the store opens (so a taken port fails at once). Until resolve() every
 * call fails with unavailable (503); close() is the owner's job, not this handle's.
 */
export function createDeferredDb(kind: StoreKind): DeferredDb {
  let target: Db | undefined;
  const open = (): Db => {
    if (!target) throw new AppError(ErrorCode.unavailable, 'the store is still opening: retry in a few seconds');
    return target;
  };
  return {
    kind,
    query: async (sql, params) => open().query(sql, params),
    exec: async (sql) => open().exec(sql),
    transaction: async (fn) => open().transaction(fn),
    close: async () => {},
    resolve: (db) => {
      target = db;
    },
  };
}
