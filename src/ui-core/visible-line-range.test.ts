import { describe, expect, it } from 'vitest';
import { visibleLineRange } from './visible-line-range.js';

describe('visibleLineRange', () => {
  it('covers the viewport plus overscan, clamped to the list', () => {
    expect(visibleLineRange({ scrollTopPx: 0, viewportPx: 100, lineHeightPx: 20, total: 1000, overscan: 5 })).toEqual({ start: 0, end: 11 });
    expect(visibleLineRange({ scrollTopPx: 2000, viewportPx: 100, lineHeightPx: 20, total: 1000, overscan: 5 })).toEqual({ start: 95, end: 111 });
    expect(visibleLineRange({ scrollTopPx: 99_999, viewportPx: 100, lineHeightPx: 20, total: 1000, overscan: 5 })).toEqual({ start: 994, end: 1000 });
  });

  it('renders nothing for an empty list', () => {
    expect(visibleLineRange({ scrollTopPx: 0, viewportPx: 100, lineHeightPx: 20, total: 0 })).toEqual({ start: 0, end: 0 });
  });
});
