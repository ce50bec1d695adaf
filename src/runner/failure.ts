/**
 * Why a step or job did not succeed, as stored data (never thrown). `retryable` says whether
 * running the same thing again could plausibly give a different result.
 */
export type FailureKind = 'user' | 'infra' | 'timeout' | 'canceled';

export interface Failure {
  kind: FailureKind;
  retryable: boolean;
  message: string;
}

export function createFailure(kind: FailureKind, message: string): Failure {
  return { kind, retryable: isRetryableKind(kind), message };
}

function isRetryableKind(kind: FailureKind): boolean {
  switch (kind) {
    case 'user':
      // A non-zero exit is the user's code saying no; it is retried only when they ask (retry:).
      return false;
    case 'timeout':
      // The user's own limit: running it again would most likely take as long again (GitHub Actions
      // and GitLab do not retry it either unless asked); retried only with retry:.
      return false;
    case 'infra':
      return true;
    case 'canceled':
      return false;
  }
}
