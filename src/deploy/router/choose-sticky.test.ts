import { describe, expect, it } from 'vitest';
import { hashToPoint, keepStickyVersion, readCookie, serviceFromHost } from './choose-sticky.js';

describe('keepStickyVersion', () => {
  const weights = new Map([['v1', 90], ['v2', 0]]);
  it('keeps a version with weight and releases one with weight 0 or unknown', () => {
    expect(keepStickyVersion('v1', weights)).toBe('v1');
    expect(keepStickyVersion('v2', weights)).toBeUndefined();
    expect(keepStickyVersion('v9', weights)).toBeUndefined();
    expect(keepStickyVersion(undefined, weights)).toBeUndefined();
  });
});

describe('hashToPoint', () => {
  it('is stable and in [0, 1)', () => {
    expect(hashToPoint('user-1')).toBe(hashToPoint('user-1'));
    const points = Array.from({ length: 1000 }, (_, i) => hashToPoint(`user-${i}`));
    expect(points.every((p) => p >= 0 && p < 1)).toBe(true);
    // Roughly uniform: about a tenth below 0.1.
    const low = points.filter((p) => p < 0.1).length;
    expect(low).toBeGreaterThan(60);
    expect(low).toBeLessThan(140);
  });
});

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    expect(readCookie('a=1; slipway=v2; b=3', 'slipway')).toBe('v2');
    expect(readCookie('slipwayx=v2', 'slipway')).toBeUndefined();
    expect(readCookie(undefined, 'slipway')).toBeUndefined();
  });
});

describe('serviceFromHost', () => {
  it('takes the first label, lowercased, without the port', () => {
    expect(serviceFromHost('web')).toBe('web');
    expect(serviceFromHost('Web.example.com:8080')).toBe('web');
    expect(serviceFromHost('')).toBeUndefined();
    expect(serviceFromHost(undefined)).toBeUndefined();
  });
});
