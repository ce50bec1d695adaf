import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import type { Provider } from './trigger-event.js';

export interface DeliveryKey {
  provider: Provider;
  deliveryId: string;
}

export interface RecordDeliveryInput extends DeliveryKey {
  projectId: number;
}

export interface RecordedDelivery {
  /** false = seen before: start nothing. */
  firstTime: boolean;
  /** The run the earlier receipt started, if it started one. */
  runId?: number;
}

/**
 * Notes a webhook delivery; only the first receipt of an id gets firstTime. Concurrent receipts of one
 * id race on the primary key: the loser's INSERT waits for the winner's transaction and then does
 * nothing, and its separate SELECT (a new READ COMMITTED snapshot) sees the winner's row — with its
 * run id when the winner created the run in the same transaction (see createRunForDelivery).
 */
export async function recordDelivery(db: Db, input: RecordDeliveryInput): Promise<RecordedDelivery> {
  checkDeliveryId(input.deliveryId);
  const inserted = await db.query(
    `INSERT INTO webhook_deliveries (provider, delivery_id, project_id) VALUES ($1, $2, $3)
     ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING 1`,
    [input.provider, input.deliveryId, input.projectId],
  );
  if (inserted.rowCount === 1) return { firstTime: true };
  const existing = await db.query<{ runId: number | null }>(
    'SELECT run_id AS "runId" FROM webhook_deliveries WHERE provider = $1 AND delivery_id = $2',
    [input.provider, input.deliveryId],
  );
  const row = existing.rows[0];
  if (!row) {
    throw new AppError(ErrorCode.internal, `delivery ${input.provider}/${input.deliveryId} was neither recorded nor found`);
  }
  return row.runId === null ? { firstTime: false } : { firstTime: false, runId: row.runId };
}

/** Links a recorded delivery to the run it started; a delivery starts at most one run. */
export async function attachRunToDelivery(db: Db, input: DeliveryKey & { runId: number }): Promise<void> {
  const updated = await db.query(
    `UPDATE webhook_deliveries SET run_id = $3
     WHERE provider = $1 AND delivery_id = $2 AND (run_id IS NULL OR run_id = $3)`,
    [input.provider, input.deliveryId, input.runId],
  );
  if (updated.rowCount === 1) return;
  const existing = await db.query<{ runId: number | null }>(
    'SELECT run_id AS "runId" FROM webhook_deliveries WHERE provider = $1 AND delivery_id = $2',
    [input.provider, input.deliveryId],
  );
  const row = existing.rows[0];
  if (!row) {
    throw new AppError(ErrorCode.notFound, `delivery ${input.provider}/${input.deliveryId} is not recorded: call recordDelivery first`);
  }
  throw new AppError(
    ErrorCode.failedPrecondition,
    `delivery ${input.provider}/${input.deliveryId} already started run ${row.runId}; it cannot start run ${input.runId} too`,
  );
}

/**
 * Records the delivery and, on its first receipt only, calls startRun — all in one transaction, so
 * a concurrent or later replay gets the same run id, and a failed startRun leaves no record (the
 * provider's retry then gets its chance). Read the pipeline before calling: this holds the delivery's
 * row lock until startRun returns. startRun returns undefined when the event starts nothing.
 */
export async function createRunForDelivery(
  db: Db,
  input: RecordDeliveryInput,
  startRun: (tx: Db) => Promise<number | undefined>,
): Promise<RecordedDelivery> {
  return db.transaction(async (tx) => {
    const recorded = await recordDelivery(tx, input);
    if (!recorded.firstTime) return recorded;
    const runId = await startRun(tx);
    if (runId === undefined) return { firstTime: true };
    await attachRunToDelivery(tx, { provider: input.provider, deliveryId: input.deliveryId, runId });
    return { firstTime: true, runId };
  });
}

/** Longest delivery id accepted: GitHub's are UUIDs, the body-hash fallback is 71 characters. */
const maxDeliveryIdChars = 200;

function checkDeliveryId(deliveryId: string): void {
  if (deliveryId === '' || deliveryId.length > maxDeliveryIdChars) {
    throw new AppError(ErrorCode.invalidArgument, `a delivery id must be 1 to ${maxDeliveryIdChars} characters, got ${deliveryId.length}`);
  }
}
