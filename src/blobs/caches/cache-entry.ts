import { AppError, ErrorCode } from '../../errors/app-error.js';

/** A row of `caches`: an immutable archive saved under a key on a branch scope. */
export interface CacheEntry {
  id: number;
  projectId: number;
  /** The branch that saved it. */
  scope: string;
  key: string;
  digest: string;
  size: number;
  createdAt: Date;
  lastUsedAt: Date;
}

export const cacheEntryColumns = `id, project_id AS "projectId", scope, key, digest, size, created_at AS "createdAt",
  last_used_at AS "lastUsedAt"`;

export const maxCacheKeyLength = 512;

/** GitHub's rules, so keys written for Actions work unchanged: at most 512 characters, no comma. */
export function checkCacheKey(key: string, what = 'cache key'): string {
  const problem = findKeyProblem(key);
  if (problem) throw new AppError(ErrorCode.invalidArgument, `${what} ${JSON.stringify(key)} is not allowed: ${problem}`);
  return key;
}

function findKeyProblem(key: string): string | undefined {
  if (key === '') return 'it is empty';
  if (key.length > maxCacheKeyLength) return `it is longer than ${maxCacheKeyLength} characters`;
  if (key.includes(',')) return 'it contains a comma';
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'it contains a control character';
  return undefined;
}

/** How keys and prefixes appear in messages: 'npm-abc'. */
export function quote(text: string): string {
  return `'${text}'`;
}
