import type { AnsiSpan } from './ansi-to-spans.js';

export interface MarkedSpan extends AnsiSpan {
  /** Inside a search match; `current` when inside the match the viewer is on. */
  mark?: 'match' | 'current';
}

/**
 * Splits a line's spans at the search matches on it (offsets into the line's plain text) so each
 * piece is either inside one match or outside all of them. `ranges` must be sorted and disjoint.
 */
export function highlightSpans(spans: readonly AnsiSpan[], ranges: readonly { start: number; end: number; current?: boolean }[]): MarkedSpan[] {
  if (ranges.length === 0) return [...spans];
  const out: MarkedSpan[] = [];
  let offset = 0;
  for (const span of spans) {
    const spanEnd = offset + span.text.length;
    let at = offset;
    while (at < spanEnd) {
      const range = ranges.find((r) => r.end > at && r.start < spanEnd);
      if (!range || range.start >= spanEnd) {
        out.push({ ...span, text: span.text.slice(at - offset) });
        at = spanEnd;
        break;
      }
      if (range.start > at) {
        out.push({ ...span, text: span.text.slice(at - offset, range.start - offset) });
        at = range.start;
      }
      const stop = Math.min(range.end, spanEnd);
      out.push({ ...span, text: span.text.slice(at - offset, stop - offset), mark: range.current ? 'current' : 'match' });
      at = stop;
    }
    offset = spanEnd;
  }
  return out;
}
