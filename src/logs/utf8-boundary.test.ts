import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeUtf8Length } from './utf8-boundary.js';

describe('completeUtf8Length', () => {
  it('holds back exactly the started, unfinished sequence at the end', () => {
    const euro = Buffer.from('€', 'utf8'); // 3 bytes
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro.subarray(0, 2)]))).toBe(2);
    expect(completeUtf8Length(Buffer.concat([Buffer.from('ab'), euro]))).toBe(5);
    expect(completeUtf8Length(Buffer.from('😀', 'utf8').subarray(0, 3))).toBe(0);
    expect(completeUtf8Length(Buffer.from([0x61, 0x80, 0x80, 0x80]))).toBe(4);
    expect(completeUtf8Length(Buffer.from([0x61, 0xff]))).toBe(2);
  });

  it('decodes any text cut anywhere into the same text, chunk by chunk', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const whole = Buffer.from(text, 'utf8');
        const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        let carry = Buffer.alloc(0);
        let decoded = '';
        for (const [start, end] of [0, ...points].map((p, i, all) => [p, all[i + 1] ?? whole.length] as const)) {
          const bytes = Buffer.concat([carry, whole.subarray(start, end)]);
          const cut = completeUtf8Length(bytes);
          decoded += bytes.subarray(0, cut).toString('utf8');
          carry = bytes.subarray(cut);
        }
        expect(carry.length).toBe(0);
        expect(decoded).toBe(text);
      }),
    );
  });
});
