import { expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { describeEachStore } from '../test-support/test-store.js';
import { registerAgent } from './register-agent.js';
import { createLane, t0 } from './test-support/scheduler-fixtures.js';

describeEachStore('registerAgent', (h) => {
  it('records an agent, and on re-registration updates it but keeps its first registration time', async () => {
    const clock = createManualClock(t0);
    const id = createLane('agent');
    expect(await registerAgent(h.db, clock, { id, labels: ['linux'] })).toEqual({
      id,
      name: id,
      labels: ['linux'],
      capacity: 1,
      lastSeenAt: new Date(t0),
      registeredAt: new Date(t0),
    });
    clock.advance(60_000);
    expect(await registerAgent(h.db, clock, { id, name: 'builder-1', labels: ['linux', 'gpu'], capacity: 4 })).toEqual({
      id,
      name: 'builder-1',
      labels: ['linux', 'gpu'],
      capacity: 4,
      lastSeenAt: new Date(t0 + 60_000),
      registeredAt: new Date(t0),
    });
  });

  it('refuses an empty id and a capacity below 1', async () => {
    const clock = createManualClock(t0);
    await expect(registerAgent(h.db, clock, { id: '', labels: [] })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(registerAgent(h.db, clock, { id: 'x', labels: [], capacity: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
