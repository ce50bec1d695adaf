import { describe, expect, it } from 'vitest';
import { highlightSpans } from './highlight-spans.js';

describe('highlightSpans', () => {
  it('splits spans at match boundaries, keeping each piece’s style', () => {
    const spans = [{ text: 'hello ' }, { text: 'world', fg: 'red' }];
    expect(highlightSpans(spans, [{ start: 4, end: 8, current: true }])).toEqual([
      { text: 'hell' },
      { text: 'o ', mark: 'current' },
      { text: 'wo', fg: 'red', mark: 'current' },
      { text: 'rld', fg: 'red' },
    ]);
  });

  it('marks several matches inside one span and leaves a line without matches alone', () => {
    expect(highlightSpans([{ text: 'abab' }], [{ start: 0, end: 1 }, { start: 2, end: 3 }])).toEqual([
      { text: 'a', mark: 'match' },
      { text: 'b' },
      { text: 'a', mark: 'match' },
      { text: 'b' },
    ]);
    expect(highlightSpans([{ text: 'x' }], [])).toEqual([{ text: 'x' }]);
  });
});
