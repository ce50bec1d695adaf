import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../errors/app-error.js';

const signaturePattern = /^sha256=([0-9a-f]{64})$/i;

/**
 * Checks `X-Hub-Signature-256: sha256=<hex>` — the HMAC-SHA256 of the exact bytes received, keyed
 * with the webhook's secret. Throws `unauthenticated` unless it matches. The comparison is constant
 * time, and both sides are 32 bytes by construction (the pattern pins the length), so
 * timingSafeEqual never throws on a length mismatch.
 */
export function verifyGitHubSignature(secret: string, rawBody: Buffer, header: string | undefined): void {
  if (secret === '') {
    throw new AppError(ErrorCode.failedPrecondition, 'no GitHub webhook secret is configured for this project: set one');
  }
  if (header === undefined || header === '') {
    throw new AppError(
      ErrorCode.unauthenticated,
      'missing X-Hub-Signature-256 header: give the GitHub webhook a secret (the same as the project’s)',
    );
  }
  const match = signaturePattern.exec(header.trim());
  if (!match) {
    throw new AppError(ErrorCode.unauthenticated, 'malformed X-Hub-Signature-256 header: expected sha256=<64 hex digits>');
  }
  const received = Buffer.from(match[1]!, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  if (!timingSafeEqual(received, expected)) {
    throw new AppError(
      ErrorCode.unauthenticated,
      'X-Hub-Signature-256 does not match the body: the webhook secret differs from the project’s, or the body was altered',
    );
  }
}
