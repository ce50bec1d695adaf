/** A master key is 32 bytes: the key of AES-256-GCM. */
export const masterKeyBytes = 32;

/** How a master key may be written, for error messages. Never includes the value. */
export const masterKeyFormatHint =
  'must be 32 bytes written as base64 (standard or url-safe, 43 or 44 characters) or as 64 hex characters — generate one with `openssl rand -base64 32`';

const hexPattern = /^[0-9a-fA-F]{64}$/;
const base64Pattern = /^[A-Za-z0-9+/]{43}=?$/;
const base64UrlPattern = /^[A-Za-z0-9_-]{43}=?$/;

/**
 * The 32 key bytes written in `text` (surrounding whitespace ignored), or undefined when it is not
 * exactly one of the accepted spellings. Strict on purpose: Buffer.from(x, 'base64') skips characters
 * it does not know, so a mistyped key would otherwise decode to some other key without complaint.
 */
export function decodeMasterKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (hexPattern.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const encoding = base64Pattern.test(trimmed) ? 'base64' : base64UrlPattern.test(trimmed) ? 'base64url' : undefined;
  if (!encoding) return undefined;
  const key = Buffer.from(trimmed, encoding);
  // The 43rd character carries 2 bits that are not part of the key: only the canonical spelling is accepted.
  if (key.length !== masterKeyBytes || key.toString(encoding).replace(/=+$/, '') !== trimmed.replace(/=$/, '')) {
    return undefined;
  }
  return key;
}
