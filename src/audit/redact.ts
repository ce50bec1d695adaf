/**
 * Key names whose values never enter the audit log, at any depth, compared case-insensitively.
 * Callers already pass metadata only (a secret's name and scope, never its value); this is the second
 * line, so a careless `after: body` cannot leak one.
 */
export const redactedKeys: readonly string[] = ['value', 'secret', 'token', 'password', 'ciphertext'];

const redacted = new Set(redactedKeys);

/**
 * A JSON copy of value without the members named in redactedKeys. Going through JSON first turns
 * Dates into ISO strings and drops undefined and functions, so the result is exactly what jsonb stores
 * and canonicalJson hashes.
 */
export function redact(value: unknown): unknown {
  if (value === undefined) return null;
  const json = JSON.stringify(value);
  return json === undefined ? null : strip(JSON.parse(json) as unknown);
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? storableString(value) : value;
  const kept: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    // defineProperty: a member named __proto__ (JSON.parse makes it an own property) must stay one.
    if (!redacted.has(key.toLowerCase())) Object.defineProperty(kept, storableString(key), { value: strip(member), enumerable: true, writable: true, configurable: true });
  }
  return kept;
}

/** jsonb refuses U+0000 in strings; replaced so an odd byte in a comment cannot lose the entry. */
function storableString(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}
