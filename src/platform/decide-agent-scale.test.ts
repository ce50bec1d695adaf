import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgentScaleInput, decideAgentScale, type ScaledAgent } from './decide-agent-scale.js';

const base = { min: 1, max: 4, jobsPerAgent: 1, idleGraceMs: 60_000, nowMs: 1_000_000 };
const idle = (id: string, idleForMs: number): ScaledAgent => ({ id, busyJobs: 0, idleSinceMs: base.nowMs - idleForMs });
const busy = (id: string, busyJobs = 1): ScaledAgent => ({ id, busyJobs });

describe('decideAgentScale', () => {
  it.each<[string, Partial<AgentScaleInput> & Pick<AgentScaleInput, 'queuedJobs' | 'agents'>, { start: number; stop: string[] }]>([
    ['starts min agents when there are none and no work', { queuedJobs: 0, agents: [] }, { start: 1, stop: [] }],
    ['starts none with min 0 and no work', { queuedJobs: 0, agents: [], min: 0 }, { start: 0, stop: [] }],
    ['scales up at once to cover the work', { queuedJobs: 3, agents: [busy('a')] }, { start: 2, stop: [] }],
    ['never starts more than max', { queuedJobs: 100, agents: [busy('a')] }, { start: 3, stop: [] }],
    ['starts nothing at max', { queuedJobs: 100, agents: [busy('a'), busy('b'), busy('c'), busy('d')] }, { start: 0, stop: [] }],
    ['rounds up by jobsPerAgent', { queuedJobs: 5, agents: [], jobsPerAgent: 2 }, { start: 3, stop: [] }],
    ['covers exact multiples', { queuedJobs: 4, agents: [busy('a', 2)], jobsPerAgent: 2 }, { start: 1, stop: [] }],
    ['keeps an agent idle for less than the grace', { queuedJobs: 0, agents: [idle('a', 0), idle('b', 59_999)] }, { start: 0, stop: [] }],
    ['stops an agent idle for exactly the grace', { queuedJobs: 0, agents: [idle('a', 0), idle('b', 60_000)] }, { start: 0, stop: ['b'] }],
    ['never goes below min', { queuedJobs: 0, agents: [idle('a', 90_000), idle('b', 70_000), idle('c', 80_000)], min: 2 }, { start: 0, stop: ['a'] }],
    ['stops the longest idle first', { queuedJobs: 0, agents: [idle('a', 61_000), idle('b', 90_000), idle('c', 70_000)] }, { start: 0, stop: ['b', 'c'] }],
    ['breaks ties by id', { queuedJobs: 0, agents: [idle('b', 70_000), idle('a', 70_000)] }, { start: 0, stop: ['a'] }],
    ['never stops a busy agent', { queuedJobs: 1, agents: [busy('a'), busy('b'), idle('c', 0)], jobsPerAgent: 5 }, { start: 0, stop: [] }],
    ['never stops an agent without an idle time', { queuedJobs: 0, agents: [busy('a', 0), busy('b', 0)] }, { start: 0, stop: [] }],
    ['stops idle agents above a lowered work level', { queuedJobs: 2, agents: [busy('a'), busy('b'), idle('c', 60_000), idle('d', 60_000)] }, { start: 0, stop: ['c', 'd'] }],
    ['stops idle agents above max', { queuedJobs: 0, agents: [idle('a', 60_000), idle('b', 60_000), idle('c', 60_000)], max: 1, min: 0 }, { start: 0, stop: ['a', 'b', 'c'] }],
    ['treats negative work as none', { queuedJobs: -3, agents: [] }, { start: 1, stop: [] }],
  ])('%s', (_name, input, expected) => {
    expect(decideAgentScale({ ...base, ...input })).toEqual(expected);
  });

  it.each([
    ['a negative min', { min: -1 }],
    ['max below min', { min: 3, max: 2 }],
    ['max 0', { min: 0, max: 0 }],
    ['jobsPerAgent 0', { jobsPerAgent: 0 }],
    ['a fractional jobsPerAgent', { jobsPerAgent: 1.5 }],
  ])('rejects %s', (_name, bad) => {
    expect(() => decideAgentScale({ ...base, queuedJobs: 0, agents: [], ...bad })).toThrow(RangeError);
  });

  it('never exceeds max, never stops a busy agent, never goes below min', () => {
    const agent = fc.record({
      busyJobs: fc.nat(5),
      idleForMs: fc.option(fc.nat(200_000), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.nat(10),
        fc.nat(10),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(100),
        fc.array(agent, { maxLength: 15 }),
        fc.nat(120_000),
        (min, extra, jobsPerAgent, queuedJobs, raw, idleGraceMs) => {
          const max = Math.max(min, 1) + extra;
          const nowMs = 10_000_000;
          const agents: ScaledAgent[] = raw.map((a, i) => ({
            id: `agent-${i}`,
            busyJobs: a.busyJobs,
            ...(a.idleForMs === undefined ? {} : { idleSinceMs: nowMs - a.idleForMs }),
          }));
          const { start, stop } = decideAgentScale({ queuedJobs, agents, min, max, jobsPerAgent, idleGraceMs, nowMs });
          const after = agents.length + start - stop.length;
          expect(start).toBeGreaterThanOrEqual(0);
          expect(start > 0 && stop.length > 0).toBe(false);
          expect(new Set(stop).size).toBe(stop.length);
          if (start > 0) expect(after).toBeLessThanOrEqual(max);
          expect(after).toBeLessThanOrEqual(Math.max(max, agents.length));
          expect(after).toBeGreaterThanOrEqual(min);
          for (const id of stop) {
            const stopped = agents.find((a) => a.id === id);
            expect(stopped?.busyJobs).toBe(0);
            expect(stopped?.idleSinceMs).toBeDefined();
            expect(nowMs - (stopped?.idleSinceMs ?? nowMs)).toBeGreaterThanOrEqual(idleGraceMs);
          }
          // Enough agents for the work (up to max) once started.
          if (start > 0) expect(after).toBe(Math.min(max, Math.max(min, Math.ceil(queuedJobs / jobsPerAgent))));
        },
      ),
    );
  });
});
