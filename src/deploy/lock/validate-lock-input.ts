import { AppError, ErrorCode } from '../../errors/app-error.js';

/** Both backends check input the same way, so the contract test can hold them to the same errors. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AppError(
      ErrorCode.invalidArgument,
      `deploy lock key must be a non-empty string (e.g. the environment's name), got ${JSON.stringify(key)}`,
    );
  }
}

export function checkHolder(holder: string): void {
  if (typeof holder !== 'string' || holder.trim() === '') {
    throw new AppError(
      ErrorCode.invalidArgument,
      `deploy lock holder must be a non-empty string (e.g. the deployment's id), got ${JSON.stringify(holder)}`,
    );
  }
}

/** Whole milliseconds: Redis PX takes an integer, and both backends must accept the same values. */
export function checkDurationMs(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new AppError(ErrorCode.invalidArgument, `${name} must be a positive whole number of milliseconds, got ${ms}`);
  }
}

export function checkLease(lease: { key: string; holder: string; token: number }): void {
  checkKey(lease.key);
  checkHolder(lease.holder);
  if (!Number.isSafeInteger(lease.token) || lease.token <= 0) {
    throw new AppError(ErrorCode.invalidArgument, `deploy lock lease token must be a positive integer, got ${lease.token}`);
  }
}
