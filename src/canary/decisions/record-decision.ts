import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/db.js';
import { Verdict } from '../judges/verdict.js';
import { type DecisionInput, type DecisionRecord, recordedActions } from './decision.js';
import { type DecisionRow, readDecisionRow, selectDecisionSql } from './decision-row.js';

export interface RecordDecisionResult {
  /** The stored row: on a duplicate, the first attempt's decision, which may differ from the input. */
  decision: DecisionRecord;
  /** False when a decision with this idempotency key was already stored. */
  created: boolean;
}

const actions = new Set<string>(recordedActions);
const verdicts = new Set<string>(Object.values(Verdict));
const maxIdempotencyKeyLength = 300;

/**
 * Stores a decision exactly once per idempotency key; call it before publishing the decision anywhere.
 * Inserts are serialised by a transaction-scoped advisory lock (per schema), so the identity sequence
 * is taken and committed in the same order by every writer: WatchDecisions relies on that to resume
 * after a sequence number without missing one that committed late. Decisions come at most a few per
 * rollout per second, so the lock costs nothing that matters.
 */
export async function recordDecision(db: Db, clock: Clock, input: DecisionInput): Promise<RecordDecisionResult> {
  checkDecisionInput(input);
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('slipway.canary_decisions'), hashtext(coalesce(current_schema(), '')))");
    const rollout = await tx.query('SELECT 1 FROM canary_rollouts WHERE id = $1', [input.rolloutId]);
    if (rollout.rowCount === 0) {
      throw new AppError(ErrorCode.notFound, `no rollout ${input.rolloutId}: create it (createRollout) before recording decisions for it`);
    }
    const inserted = await tx.query(
      `INSERT INTO canary_decisions (rollout_id, step, action, verdict, reasons, evidence, policy_version, idempotency_key, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING sequence`,
      [
        input.rolloutId,
        input.step,
        input.action,
        input.verdict,
        JSON.stringify(input.reasons),
        JSON.stringify(input.evidence),
        input.policyVersion,
        input.idempotencyKey,
        new Date(clock.now()),
      ],
    );
    const { rows } = await tx.query<DecisionRow>(`${selectDecisionSql} WHERE d.idempotency_key = $1`, [input.idempotencyKey]);
    return { decision: readDecisionRow(rows[0]!), created: inserted.rowCount === 1 };
  });
}

function checkDecisionInput(input: DecisionInput): void {
  const fail = (what: string) => new AppError(ErrorCode.invalidArgument, `decision for rollout ${input.rolloutId}: ${what}`);
  if (!actions.has(input.action)) throw fail(`action ${JSON.stringify(input.action)} is not one of ${[...actions].join(', ')}`);
  if (!verdicts.has(input.verdict)) throw fail(`verdict ${JSON.stringify(input.verdict)} is not one of ${[...verdicts].join(', ')}`);
  if (!Number.isInteger(input.step) || input.step < 0) throw fail(`step must be a whole number ≥ 0, got ${input.step}`);
  if (input.idempotencyKey === '' || input.idempotencyKey.length > maxIdempotencyKeyLength) {
    throw fail(`idempotencyKey must be 1-${maxIdempotencyKeyLength} characters`);
  }
  if (input.policyVersion === '') throw fail('policyVersion must not be empty');
  if (!input.reasons.every((reason) => typeof reason === 'string')) throw fail('reasons must be strings');
  const evidence: unknown = input.evidence;
  if (typeof evidence !== 'object' || evidence === null || Array.isArray(evidence)) throw fail('evidence must be a JSON object');
}
