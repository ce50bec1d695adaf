import { createHash, randomBytes } from 'node:crypto';

/** Prefixes tell a leaked secret's kind at a glance (and let secret scanners find it). */
export const secretPrefixes = { user: 'slp_', agent: 'slpa_', session: 'slps_' } as const;
export type SecretKind = keyof typeof secretPrefixes;

export interface NewSecret {
  /** Shown once, never stored. */
  secret: string;
  /** What is stored: the SHA-256 of the secret, hex. */
  hash: string;
  /** The first characters, safe to show in lists. */
  prefix: string;
}

/** 256 random bits: hashing with SHA-256 is enough (no salt or slow hash needed for such secrets). */
export function newSecret(kind: SecretKind): NewSecret {
  const secret = `${secretPrefixes[kind]}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, secretPrefixes[kind].length + 6) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
