import { describe, expect, it } from 'vitest';
import type { RouterBackend } from '../router.js';
import { assignSlots, planSlotCommands, planSlotWeights } from './plan-slots.js';
import type { HaproxyFiles } from './slot-names.js';

const b = (id: string, version: string, track: RouterBackend['track'], port: number): RouterBackend => ({ id, version, track, host: '127.0.0.1', port });
const s1 = b('s1', 'v1', 'stable', 1001);
const s2 = b('s2', 'v1', 'stable', 1002);
const c1 = b('c1', 'v2', 'canary', 2001);
const files: HaproxyFiles = { configPath: 'c', adminSocketPath: 'a', servicesMapPath: 'S', versionsMapPath: 'V', tracksMapPath: 'T' };
const names = ['x0', 'x1', 'x2'];

describe('assignSlots', () => {
  it('keeps a replica in its slot and fills free slots in order', () => {
    const first = assignSlots([undefined, undefined, undefined], [s1, c1], 'web');
    expect(first.map((x) => x?.id)).toEqual(['s1', 'c1', undefined]);
    expect(assignSlots(first, [c1, s2], 'web').map((x) => x?.id)).toEqual(['s2', 'c1', undefined]);
  });

  it('refuses more replicas than slots, saying how to fix it', () => {
    expect(() => assignSlots([undefined], [s1, s2], 'web')).toThrow(/larger maxBackendsPerService/);
  });
});

describe('planSlotWeights', () => {
  it('splits a version weight over its replicas in HAProxy units', () => {
    expect(planSlotWeights([s1, s2, c1], { stable: 90, canary: 10 }).map((p) => p.weight)).toEqual([90, 90, 20]);
    expect(planSlotWeights([s1, undefined, c1], { stable: 100 }).map((p) => p.weight)).toEqual([200, 0, 0]);
  });

  it('never rounds a weighted version down to 0', () => {
    expect(planSlotWeights([s1, s2, c1], { stable: 0.1, canary: 1 }).map((p) => p.weight)).toEqual([1, 1, 2]);
  });
});

describe('planSlotCommands', () => {
  it('brings slots up before taking any down, so nothing is ever without a ready server', () => {
    const before = [
      { backend: s1, weight: 200 },
      { backend: c1, weight: 0 },
      { weight: 0 },
    ];
    const after = [
      { backend: s1, weight: 0 },
      { backend: c1, weight: 200 },
      { weight: 0 },
    ];
    expect(planSlotCommands('b', names, files, before, after)).toEqual([
      'set server b/x1 weight 200',
      'set server b/x1 state ready',
      'set server b/x0 state maint',
      'set server b/x0 weight 0',
    ]);
  });

  it('gives a new replica its address and labels before it takes traffic', () => {
    expect(planSlotCommands('b', names, files, [{ weight: 0 }], [{ backend: c1, weight: 20 }])).toEqual([
      'set server b/x0 addr 127.0.0.1 port 2001',
      'set map V x0 v2',
      'set map T x0 canary',
      'set server b/x0 weight 20',
      'set server b/x0 state ready',
    ]);
  });

  it('puts a slot whose replica changed into maintenance first', () => {
    expect(planSlotCommands('b', names, files, [{ backend: s1, weight: 100 }], [{ backend: s2, weight: 100 }])[0]).toBe('set server b/x0 state maint');
  });

  it('does nothing when nothing changed', () => {
    expect(planSlotCommands('b', names, files, [{ backend: s1, weight: 100 }], [{ backend: s1, weight: 100 }])).toEqual([]);
  });
});
