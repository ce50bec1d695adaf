import type { MatrixValue } from './model.js';

/** `${{ matrix.os }}`. Other `${{ ... }}` expressions are left for the executor (secrets, env). */
const MATRIX_REFERENCE = /\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g;

export function listMatrixReferences(text: string): string[] {
  if (!text.includes('${{')) return [];
  return Array.from(text.matchAll(MATRIX_REFERENCE), (match) => match[1]!);
}

/** A key missing from this combination (added by only some `include` entries) becomes '' as in GitHub. */
export function interpolateMatrix(text: string, combination: Readonly<Record<string, MatrixValue>>): string {
  if (!text.includes('${{')) return text;
  return text.replace(MATRIX_REFERENCE, (_, key: string) =>
    Object.hasOwn(combination, key) ? String(combination[key]) : '',
  );
}
