export interface LogMatch {
  /** Index of the line. */
  line: number;
  /** Offsets of the match within the line's text (UTF-16 units). */
  start: number;
  end: number;
}

/**
 * Every occurrence of `query` in `lines` (plain text, colours already stripped), in reading order.
 * Case-insensitive unless the query has an upper-case letter (like a pager's smart case). At most
 * `limit` matches, so a one-letter query in a huge log stays cheap.
 */
export function findMatches(lines: readonly string[], query: string, limit = 10_000): LogMatch[] {
  if (query === '') return [];
  const caseSensitive = query !== query.toLowerCase();
  const needle = caseSensitive ? query : query.toLowerCase();
  const matches: LogMatch[] = [];
  for (let line = 0; line < lines.length; line += 1) {
    const text = caseSensitive ? lines[line]! : lines[line]!.toLowerCase();
    let from = 0;
    for (;;) {
      const start = text.indexOf(needle, from);
      if (start === -1) break;
      matches.push({ line, start, end: start + needle.length });
      if (matches.length >= limit) return matches;
      from = start + needle.length;
    }
  }
  return matches;
}
