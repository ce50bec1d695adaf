import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_OPTIONS, resolveWindowOptions } from './window-options.js';

describe('resolveWindowOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveWindowOptions()).toEqual(DEFAULT_WINDOW_OPTIONS);
    expect(resolveWindowOptions({ windowSeconds: 30 }).windowSeconds).toBe(30);
  });

  it.each([
    [{ windowSeconds: 2.5 }, /windowSeconds is 2.5; it must be a whole multiple of bucketSeconds/],
    [{ bucketSeconds: 0 }, /bucketSeconds is 0/],
    [{ allowedLatenessSeconds: -1 }, /allowedLatenessSeconds is -1/],
    [{ relativeAccuracy: 1 }, /relativeAccuracy is 1; it must be between 0 and 1/],
    [{ maxTracks: 0 }, /maxTracks is 0/],
  ])('rejects %o, saying what to do', (input, message) => {
    expect(() => resolveWindowOptions(input)).toThrow(message);
  });
});
