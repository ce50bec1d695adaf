import { createHash } from 'node:crypto';

/**
 * The version a sticky client keeps: its previous one while that has weight > 0. Weight 0 releases it
 * at once, which is what makes "canary weight 0" a rollback for sticky clients too.
 */
export function keepStickyVersion(previous: string | undefined, versionWeights: ReadonlyMap<string, number>): string | undefined {
  if (previous === undefined) return undefined;
  return (versionWeights.get(previous) ?? 0) > 0 ? previous : undefined;
}

/** A point in [0, 1) from a sticky key, uniform enough for weighting and stable across restarts. */
export function hashToPoint(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** One cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The service a request's Host names: its first label, lowercased (`web`, `web.example:8080`). */
export function serviceFromHost(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const label = host.split(':')[0]!.split('.')[0]!.toLowerCase();
  return label === '' ? undefined : label;
}
