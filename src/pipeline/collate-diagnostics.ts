import type { Diagnostic } from './model.js';

/** The most problems one file reports; past it the last one says how many more there are. */
export const maxDiagnostics = 100;

/**
 * A file's problems as shown to a person: duplicates (same place, same message) dropped, in file
 * order, and at most maxDiagnostics, the last of which then counts the rest.
 */
export function collateDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const sorted = diagnostics
    .filter((d) => {
      const key = `${d.line}:${d.col}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
  if (sorted.length <= maxDiagnostics) return sorted;
  const shown = sorted.slice(0, maxDiagnostics - 1);
  const rest = sorted.length - shown.length;
  const next = sorted[maxDiagnostics - 1]!;
  return [...shown, { ...next, message: `${rest} more problems not shown — fix the ones above first` }];
}
