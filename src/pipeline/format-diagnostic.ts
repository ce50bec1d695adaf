import type { Diagnostic } from './model.js';

/** `file:line:col: message`, the form editors and terminals turn into links. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.message}`;
}
