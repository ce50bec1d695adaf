import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, 'x'], c: undefined, b: -0.5 } })).toBe('{"a":{"b":-0.5,"d":[true,null,"x"]},"b":1}');
    expect(canonicalJson([undefined, 1e21, 'é\n'])).toBe('[null,1e+21,"é\\n"]');
  });

  it('gives one text for equal values whatever their key order (what jsonb gives back)', () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson(JSON.parse('{"y":{"q":3,"p":2},"x":1}')));
  });

  it('refuses values that are not JSON rather than changing them', () => {
    expect(() => canonicalJson(new Date(0))).toThrow(/Date object, which is not a JSON value/);
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalJson(1n)).toThrow(/bigint/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});
