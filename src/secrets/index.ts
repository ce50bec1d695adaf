/**
 * secrets/ — values a pipeline needs but must never show: stored encrypted, scoped to a project or one
 * of its environments, decrypted only to hand a job its environment, and masked out of its logs.
 *
 * Glossary
 * - secret: a named value (name like DEPLOY_TOKEN, a job environment variable) that is write-only through
 *   the API: it can be set, listed by name, deleted and given to jobs, never read back.
 * - scope: where a secret applies — a project (environment null: project-wide) or one environment of it.
 *   A job deploying to an environment gets the project-wide secrets, overridden by that environment's
 *   secrets of the same name.
 * - master key: the 32-byte AES-256-GCM key that seals every secret (SLIPWAY_MASTER_KEY, or the
 *   generated `<data dir>/master.key`, mode 0600). Lose it and the secrets are lost. key id: a
 *   non-secret name of a master key, stored with each value for future rotation.
 * - sealed value: ciphertext + 96-bit nonce + key id; the secret's scope and name are its additional
 *   authenticated data, so a ciphertext copied into another row does not decrypt.
 * - masker: logs/createSecretMasker, given a job's secret values, replaces every occurrence (and the
 *   base64 / URL-encoded spellings, and each line of a multi-line value) in a stream of output with `***`.
 */
export { decodeMasterKey, masterKeyBytes } from './decode-master-key.js';
export { type LoadMasterKeyOptions, type MasterKey, loadMasterKey, masterKeyFileName } from './load-master-key.js';
export { type SealedValue, type SecretCrypto, type SecretCryptoOptions, createSecretCrypto } from './secret-crypto.js';
export { type SecretScope, type SecretSummary, maxSecretValueBytes } from './secret.js';
export { type SetSecretInput, setSecret } from './set-secret.js';
export { type ListSecretsOptions, listSecrets } from './list-secrets.js';
export { type DeleteSecretInput, deleteSecret } from './delete-secret.js';
export { type ResolveSecretsInput, resolveSecretsForJob } from './resolve-secrets-for-job.js';
