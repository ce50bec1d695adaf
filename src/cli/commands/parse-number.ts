import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(`expected a TCP port 0–65535, got '${value}'`);
  }
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got '${value}'`);
  return n;
}

/** A run's priority: a whole number from -100 to 100. */
export function parsePriority(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -100 || n > 100) throw new InvalidArgumentError(`expected a whole number from -100 to 100, got '${value}'`);
  return n;
}
