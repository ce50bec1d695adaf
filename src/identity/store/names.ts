import { AppError, ErrorCode } from '../../errors/app-error.js';

const namePattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** User and team names: lower case letters, digits, `.`, `_` and `-`, at most 63 characters. */
export function checkName(kind: 'user' | 'team', name: string): string {
  if (!namePattern.test(name)) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `${kind} name ${JSON.stringify(name.slice(0, 80))} is not valid: use 1 to 63 lower case letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return name;
}

/** True for PostgreSQL's unique_violation. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
