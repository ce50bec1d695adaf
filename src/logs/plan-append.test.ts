import { describe, expect, it } from 'vitest';
import { type LogHead, emptyLogHead } from './log-head.js';
import { planAppend } from './plan-append.js';

const head = (patch: Partial<LogHead>): LogHead => ({ ...emptyLogHead(1), ...patch });

describe('planAppend', () => {
  it('compares only the part of a chunk that was stored, never bytes dropped past the cap', () => {
    expect(planAppend(head({ length: 30, truncated: true, cappedAt: 10 }), { offset: 5, byteLength: 30 }, 10)).toEqual({
      kind: 'accept',
      verify: { start: 5, end: 10 },
      keep: null,
      truncateAt: null,
      length: 35,
    });
  });

  it('truncates exactly once, at the cap, and not when a chunk ends on the cap', () => {
    expect(planAppend(head({ length: 4 }), { offset: 4, byteLength: 6 }, 10)).toMatchObject({ truncateAt: null, length: 10 });
    expect(planAppend(head({ length: 10 }), { offset: 10, byteLength: 1 }, 10)).toMatchObject({ keep: null, truncateAt: 10, length: 11 });
  });

  it('truncates at the stored end when the cap was lowered below it', () => {
    expect(planAppend(head({ length: 20 }), { offset: 20, byteLength: 5 }, 10)).toMatchObject({ keep: null, truncateAt: 20, length: 25 });
  });

  it('refuses new bytes for a finished log but not a retry of stored ones', () => {
    expect(planAppend(head({ length: 5, complete: true }), { offset: 3, byteLength: 4 }, 10)).toEqual({
      kind: 'finished',
      verify: { start: 3, end: 5 },
    });
    expect(planAppend(head({ length: 5, complete: true }), { offset: 3, byteLength: 2 }, 10)).toMatchObject({ kind: 'accept' });
  });

  it('finds a gap only when the chunk starts past the length', () => {
    expect(planAppend(head({ length: 5 }), { offset: 6, byteLength: 0 }, 10)).toEqual({ kind: 'gap' });
    expect(planAppend(head({ length: 5 }), { offset: 5, byteLength: 0 }, 10)).toMatchObject({ kind: 'accept', keep: null, length: 5 });
  });
});
