import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import type { SecretCrypto } from './secret-crypto.js';
import { describeSecret, normalizeEnvironment, type SecretScope, secretAad } from './secret.js';

export interface ResolveSecretsInput {
  projectId: number;
  /** The job's deployment environment; omitted or null: project-wide secrets only. */
  environment?: string | null;
}

interface SecretRow {
  environment: string | null;
  name: string;
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  keyId: string;
}

/**
 * The plaintext secrets a job may use, by name: the project-wide ones, each replaced by the job's
 * environment's secret of the same name where there is one. One undecryptable secret fails the whole
 * call (naming it), rather than running the job without it.
 */
export async function resolveSecretsForJob(
  db: Db,
  crypto: SecretCrypto,
  input: ResolveSecretsInput,
): Promise<Map<string, string>> {
  const environment = normalizeEnvironment(input.environment);
  // Project-wide rows first, so the environment's row of the same name is set last and wins.
  const { rows } = await db.query<SecretRow>(
    `SELECT environment, name, ciphertext, nonce, key_id AS "keyId" FROM secrets
     WHERE project_id = $1 AND (environment IS NULL OR environment = $2)
     ORDER BY environment NULLS FIRST, name`,
    [input.projectId, environment],
  );
  const secrets = new Map<string, string>();
  for (const row of rows) {
    const scope: SecretScope = { projectId: input.projectId, environment: row.environment };
    const sealed = { ciphertext: Buffer.from(row.ciphertext), nonce: Buffer.from(row.nonce), keyId: row.keyId };
    try {
      secrets.set(row.name, crypto.decrypt(sealed, secretAad(scope, row.name)));
    } catch (err) {
      const reason = err instanceof AppError ? err : undefined;
      throw new AppError(reason?.code ?? ErrorCode.internal, `${describeSecret(scope, row.name)}: ${reason?.message ?? String(err)}`, {
        cause: err,
      });
    }
  }
  return secrets;
}
