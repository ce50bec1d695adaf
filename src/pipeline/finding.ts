/**
 * A problem found before positions are known: checks speak in data paths, and locate-node.ts turns
 * each finding into a Diagnostic with file:line:col once, at the end.
 */
export type PathSegment = string | number;

export interface Finding {
  path: PathSegment[];
  /** Point at the key of the last path segment (unknown keys) or at its value (everything else). */
  at: 'key' | 'value';
  message: string;
}

/** `stages[1].needs[0]`; the empty path is the document itself. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

/** The last key with its trailing indices (`needs[0]`), for messages that name what they are about. */
export function labelPath(path: readonly PathSegment[]): string {
  let start = path.length;
  while (start > 0 && typeof path[start - 1] === 'number') start--;
  return formatPath(path.slice(Math.max(0, start - 1)));
}

/** A short, quoted rendering of a user value for "got ..." in messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
