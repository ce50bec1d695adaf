import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../errors/app-error.js';

/**
 * Checks `X-Gitlab-Token`, a shared secret sent as is (GitLab does not sign bodies). Both sides are
 * hashed first so the comparison is constant time whatever their lengths, and leaks neither length.
 */
export function verifyGitLabToken(expected: string, header: string | undefined): void {
  if (expected === '') {
    throw new AppError(ErrorCode.failedPrecondition, 'no GitLab webhook token is configured for this project: set one');
  }
  if (header === undefined || header === '') {
    throw new AppError(
      ErrorCode.unauthenticated,
      'missing X-Gitlab-Token header: set the GitLab webhook’s secret token (the same as the project’s)',
    );
  }
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  if (!timingSafeEqual(digest(header), digest(expected))) {
    throw new AppError(ErrorCode.unauthenticated, 'X-Gitlab-Token does not match the project’s webhook token');
  }
}
