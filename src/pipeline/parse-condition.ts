import type { JobCondition } from './model.js';

/** `success()`, `failure`, `${{ always() }}`: GitHub's status functions, with or without `()`/`${{ }}`. */
export const CONDITION_PATTERN =
  /^\s*(?:\$\{\{\s*(success|failure|always)(?:\(\s*\))?\s*\}\}|(success|failure|always)(?:\(\s*\))?)\s*$/;

export function parseCondition(text: string): JobCondition | undefined {
  const match = CONDITION_PATTERN.exec(text);
  return (match?.[1] ?? match?.[2]) as JobCondition | undefined;
}
