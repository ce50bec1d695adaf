import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db, StoreKind } from './db.js';

export interface TransactionHandle {
  tx: Db;
  /** Marks the transaction as ended; later use of tx throws instead of running outside it. */
  finish(): void;
}

/** The Db handed to a transaction() callback; shared by both kinds so they behave alike. */
export function createTransactionHandle(kind: StoreKind, ops: Pick<Db, 'query' | 'exec'>): TransactionHandle {
  let finished = false;
  const assertOpen = (): void => {
    if (finished) {
      throw new AppError(
        ErrorCode.internal,
        'this transaction has already ended; statements on its handle would run outside it — keep every statement inside the transaction() callback and await it',
      );
    }
  };
  const tx: Db = {
    kind,
    query: async (sql, params) => {
      assertOpen();
      return ops.query(sql, params);
    },
    exec: async (sql) => {
      assertOpen();
      await ops.exec(sql);
    },
    transaction: async (fn) => {
      assertOpen();
      return fn(tx);
    },
    close: async () => {
      throw new AppError(ErrorCode.internal, 'close() was called on a transaction handle; close the store instead');
    },
  };
  return {
    tx,
    finish: () => {
      finished = true;
    },
  };
}
