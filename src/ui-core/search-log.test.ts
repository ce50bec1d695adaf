import { describe, expect, it } from 'vitest';
import { findMatches } from './search-log.js';

describe('findMatches', () => {
  const lines = ['Error: boom', 'no problem', 'error again, ERROR', ''];

  it('finds every occurrence, case-insensitively for a lower-case query', () => {
    expect(findMatches(lines, 'error')).toEqual([
      { line: 0, start: 0, end: 5 },
      { line: 2, start: 0, end: 5 },
      { line: 2, start: 13, end: 18 },
    ]);
  });

  it('is case-sensitive once the query has a capital, and empty for an empty query', () => {
    expect(findMatches(lines, 'ERROR')).toEqual([{ line: 2, start: 13, end: 18 }]);
    expect(findMatches(lines, '')).toEqual([]);
  });

  it('does not overlap matches and stops at the limit', () => {
    expect(findMatches(['aaaa'], 'aa')).toEqual([
      { line: 0, start: 0, end: 2 },
      { line: 0, start: 2, end: 4 },
    ]);
    expect(findMatches(['x x x x'], 'x', 2)).toHaveLength(2);
  });
});
