import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { ServiceSpec } from '../targets/service-spec.js';

/** Where a release's files came from: a directory on the server's host, a run's artifact, or a job's deploy step. */
export type ReleaseSource =
  | { kind: 'dir'; path: string }
  | { kind: 'artifact'; runId: number; name: string }
  | { kind: 'job'; runId: number; jobKey: string };

/** An immutable release: a version of a service = its files' archive (digest) + how it runs (config). */
export interface Release {
  id: number;
  projectId: number;
  service: string;
  version: string;
  /** sha256 of the release files' archive in the blob store. */
  digest: string;
  source: ReleaseSource;
  config: ServiceSpec;
  configHash: string;
  createdBy: string;
  createdAt: Date;
}

export const releaseColumns = `id, project_id AS "projectId", service, version, digest, source, config,
  config_hash AS "configHash", created_by AS "createdBy", created_at AS "createdAt"`;

export function toRelease(row: Release): Release {
  return { ...row, id: Number(row.id), projectId: Number(row.projectId) };
}

/** Versions end up in replica ids, directory names and router keys: one path segment, no separators. */
const versionPattern = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/;

export function checkReleaseVersion(version: string): void {
  if (!versionPattern.test(version)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `release version ${JSON.stringify(version)} is not valid: use 1..63 letters, digits, '.', '_', '+' or '-', starting with a letter or digit (e.g. 1.4.2 or 2024-06-01.3)`,
    );
  }
}

/** sha256 of JSON with sorted keys: the same config always hashes the same, whatever the key order. */
export function hashConfig(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
