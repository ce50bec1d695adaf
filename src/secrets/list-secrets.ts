import type { Db } from '../store/index.js';
import { normalizeEnvironment, type SecretSummary, secretSummaryColumns } from './secret.js';

export interface ListSecretsOptions {
  projectId: number;
  /** Omitted: every scope of the project. A name: that environment's secrets only (not the project-wide ones). */
  environment?: string;
}

/** Names and scopes, project-wide first, then by environment and name. Never values: they are not even read. */
export async function listSecrets(db: Db, options: ListSecretsOptions): Promise<SecretSummary[]> {
  const environment = options.environment === undefined ? null : normalizeEnvironment(options.environment);
  const { rows } = await db.query<SecretSummary>(
    `SELECT ${secretSummaryColumns} FROM secrets
     WHERE project_id = $1 AND ($2::text IS NULL OR environment = $2)
     ORDER BY environment NULLS FIRST, name`,
    [options.projectId, environment],
  );
  return rows;
}
