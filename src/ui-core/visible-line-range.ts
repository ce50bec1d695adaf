/**
 * Which lines of a fixed-line-height list to render for a viewport scrolled to `scrollTopPx`, with
 * `overscan` extra lines on both sides: a log of 100,000 lines renders a few dozen rows at a time.
 * `end` is exclusive.
 */
export function visibleLineRange(input: { scrollTopPx: number; viewportPx: number; lineHeightPx: number; total: number; overscan?: number }): {
  start: number;
  end: number;
} {
  const overscan = input.overscan ?? 20;
  if (input.total === 0 || input.lineHeightPx <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, input.scrollTopPx) / input.lineHeightPx);
  const count = Math.ceil(Math.max(0, input.viewportPx) / input.lineHeightPx) + 1;
  const start = Math.max(0, Math.min(first, input.total - 1) - overscan);
  const end = Math.min(input.total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}
