import { createHash } from 'node:crypto';
import type { Policy } from './policy-model.js';

/**
 * The policy version: a hash of the resolved policy, not of the file text, so comments, key order
 * and spelled-out defaults do not make a new version while any change in behaviour does. 64 bits
 * are plenty for the versions one installation ever sees and keep idempotency keys short.
 */
export function hashPolicy(body: Omit<Policy, 'version'>): string {
  return `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16)}`;
}

/** JSON with object keys sorted at every level, so equal policies hash equally however built. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
