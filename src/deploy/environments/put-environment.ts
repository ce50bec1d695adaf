import type { Clock } from '../../clock/clock.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { checkEnvironmentName, type Environment, environmentColumns, toEnvironment } from './environment.js';
import { parseProtectionRules } from './protection-rules.js';

export interface PutEnvironmentInput {
  projectId: number;
  name: string;
  /** Validated here (protection-rules.ts); stored with defaults filled in. */
  rules: unknown;
  /** The maintainer making the change, recorded as creator or last updater. */
  actor: string;
  /** Update only if the environment is at this version (optimistic concurrency); omitted: create or overwrite. */
  expectedVersion?: number;
}

export interface PutEnvironmentResult {
  environment: Environment;
  created: boolean;
}

/** Creates the environment, or replaces its rules. A missing project, or a stale expectedVersion, is refused. */
export async function putEnvironment(db: Db, clock: Clock, input: PutEnvironmentInput): Promise<PutEnvironmentResult> {
  checkEnvironmentName(input.name);
  if (input.actor.trim() === '') throw new AppError(ErrorCode.invalidArgument, 'an environment change needs the actor who makes it');
  const rules = parseProtectionRules(input.rules, `protection rules of environment ${input.name}`);
  const now = new Date(clock.now());
  if (input.expectedVersion !== undefined) {
    const { rows } = await db.query<Environment>(
      `UPDATE environments SET rules = $3, version = version + 1, updated_by = $4, updated_at = $5
       WHERE project_id = $1 AND name = $2 AND version = $6 RETURNING ${environmentColumns}`,
      [input.projectId, input.name, JSON.stringify(rules), input.actor, now, input.expectedVersion],
    );
    if (rows[0]) return { environment: toEnvironment(rows[0]), created: false };
    const current = await db.query<{ version: number }>('SELECT version FROM environments WHERE project_id = $1 AND name = $2', [
      input.projectId,
      input.name,
    ]);
    if (!current.rows[0]) throw new AppError(ErrorCode.notFound, `environment ${input.name} does not exist: create it without a version first`);
    throw new AppError(
      ErrorCode.conflict,
      `environment ${input.name} is at version ${current.rows[0].version}, not ${input.expectedVersion}: someone changed it meanwhile — read it again and reapply your change`,
      { details: { version: current.rows[0].version } },
    );
  }
  // INSERT … SELECT: a missing project inserts nothing rather than raising a foreign-key error.
  // xmax = 0 only on a freshly inserted row: how one upsert tells creation from update.
  const { rows } = await db.query<Environment & { created: boolean }>(
    `INSERT INTO environments (project_id, name, rules, created_by, updated_by, created_at, updated_at)
     SELECT id, $2, $3, $4, $4, $5, $5 FROM projects WHERE id = $1
     ON CONFLICT (project_id, name) DO UPDATE
       SET rules = excluded.rules, version = environments.version + 1, updated_by = excluded.updated_by, updated_at = excluded.updated_at
     RETURNING ${environmentColumns}, (xmax = 0) AS created`,
    [input.projectId, input.name, JSON.stringify(rules), input.actor, now],
  );
  const row = rows[0];
  if (!row) throw new AppError(ErrorCode.notFound, `project ${input.projectId} does not exist: create it first`);
  const { created, ...environment } = row;
  return { environment: toEnvironment(environment), created };
}
