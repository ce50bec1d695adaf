import type { Db } from '../store/index.js';
import { checkSecretName, normalizeEnvironment } from './secret.js';

export interface DeleteSecretInput {
  projectId: number;
  /** Omitted or null: the project-wide secret. */
  environment?: string | null;
  name: string;
}

/** true when the secret existed. Deleting one scope never touches the other scopes' secret of that name. */
export async function deleteSecret(db: Db, input: DeleteSecretInput): Promise<boolean> {
  checkSecretName(input.name);
  const environment = normalizeEnvironment(input.environment);
  const { rowCount } = await db.query(
    `DELETE FROM secrets
     WHERE project_id = $1 AND coalesce(environment, '') = coalesce($2::text, '') AND name = $3`,
    [input.projectId, environment, input.name],
  );
  return rowCount > 0;
}
