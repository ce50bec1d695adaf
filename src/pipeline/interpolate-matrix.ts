import type { MatrixValue } from './model.js';

type Combination = Readonly<Record<string, MatrixValue>>;

/** `${{ matrix.os }}`. Other `${{ ... }}` expressions are left for the executor (secrets, env). */
const MATRIX_REFERENCE = /\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g;

export function listMatrixReferences(text: string): string[] {
  if (!text.includes('${{')) return [];
  return Array.from(text.matchAll(MATRIX_REFERENCE), (match) => match[1]!);
}

/**
 * Splits `text` once so each matrix combination is a concatenation, not a regex pass: a stage's
 * steps are the same text for every combination. A key missing from a combination (added by only
 * some `include` entries) becomes '' as in GitHub.
 */
export function compileMatrixTemplate(text: string): (combination: Combination) => string {
  if (!text.includes('${{')) return () => text;
  // With a capture group, split interleaves literals and keys: [text, key, text, key, text].
  const parts = text.split(MATRIX_REFERENCE);
  if (parts.length === 1) return () => text;
  return (combination) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) {
      const key = parts[i]!;
      out += (Object.hasOwn(combination, key) ? String(combination[key]) : '') + parts[i + 1]!;
    }
    return out;
  };
}

/** The same for every value of a record (env, with). */
export function compileMatrixRecord(record: Record<string, string>): (combination: Combination) => Record<string, string> {
  const entries = Object.entries(record);
  if (!entries.some(([, value]) => value.includes('${{'))) return () => ({ ...record });
  const compiled = entries.map(([key, value]) => [key, compileMatrixTemplate(value)] as const);
  return (combination) => Object.fromEntries(compiled.map(([key, template]) => [key, template(combination)]));
}
