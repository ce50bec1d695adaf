import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from '../store/index.js';
import type { SecretCrypto } from './secret-crypto.js';
import {
  checkSecretName,
  maxSecretValueBytes,
  normalizeEnvironment,
  type SecretSummary,
  secretAad,
  secretSummaryColumns,
} from './secret.js';

export interface SetSecretInput {
  projectId: number;
  /** Omitted or null: project-wide. */
  environment?: string | null;
  /** e.g. DEPLOY_TOKEN */
  name: string;
  /** 1 byte .. 64 KiB of UTF-8. */
  value: string;
}

/** Creates the secret, or replaces the value of the one with this scope and name. */
export async function setSecret(db: Db, crypto: SecretCrypto, input: SetSecretInput): Promise<SecretSummary> {
  checkSecretName(input.name);
  const scope = { projectId: input.projectId, environment: normalizeEnvironment(input.environment) };
  const bytes = Buffer.byteLength(input.value, 'utf8');
  if (bytes === 0) {
    throw new AppError(ErrorCode.invalidArgument, `secret ${input.name} needs a value: to remove it, delete it`);
  }
  if (bytes > maxSecretValueBytes) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `the value of secret ${input.name} is ${bytes} bytes, over the limit of ${maxSecretValueBytes} (64 KiB): store large files as artifacts and keep only their key here`,
    );
  }
  const sealed = crypto.encrypt(input.value, secretAad(scope, input.name));
  // INSERT … SELECT: a missing project inserts nothing, rather than raising a foreign-key error.
  const { rows } = await db.query<SecretSummary>(
    `INSERT INTO secrets (project_id, environment, name, ciphertext, nonce, key_id)
     SELECT id, $2, $3, $4, $5, $6 FROM projects WHERE id = $1
     ON CONFLICT (project_id, (coalesce(environment, '')), name) DO UPDATE
       SET ciphertext = excluded.ciphertext, nonce = excluded.nonce, key_id = excluded.key_id, updated_at = now()
     RETURNING ${secretSummaryColumns}`,
    [scope.projectId, scope.environment, input.name, sealed.ciphertext, sealed.nonce, sealed.keyId],
  );
  const secret = rows[0];
  if (!secret) throw new AppError(ErrorCode.notFound, `project ${scope.projectId} does not exist: create it first`);
  return secret;
}
