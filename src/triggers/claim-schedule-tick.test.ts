import { expect, it } from 'vitest';
import { createTestProject } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { claimScheduleTick } from './claim-schedule-tick.js';

describeEachStore('claimScheduleTick', (h) => {
  const tick = (iso: string) => new Date(iso);

  it('claims each tick once, and only ticks later than the last claimed', async () => {
    const project = await createTestProject(h.db);
    const claim = (tickAt: Date, cron = '0 3 * * *', timezone?: string) =>
      claimScheduleTick(h.db, { projectId: project.id, cron, tickAt, ...(timezone ? { timezone } : {}) });
    expect(await claim(tick('2024-03-01T03:00:00Z'))).toBe(true);
    expect(await claim(tick('2024-03-01T03:00:00Z'))).toBe(false);
    expect(await claim(tick('2024-02-29T03:00:00Z'))).toBe(false);
    expect(await claim(tick('2024-03-02T03:00:00Z'))).toBe(true);
    // Another schedule, or the same cron in another zone, has its own ticks.
    expect(await claim(tick('2024-03-01T03:00:00Z'), '*/15 * * * *')).toBe(true);
    expect(await claim(tick('2024-03-01T03:00:00Z'), '0 3 * * *', 'Europe/Berlin')).toBe(true);
    const other = await createTestProject(h.db);
    expect(await claimScheduleTick(h.db, { projectId: other.id, cron: '0 3 * * *', tickAt: tick('2024-03-01T03:00:00Z') })).toBe(true);
  });

  it('of servers claiming one tick at once, exactly one wins', async () => {
    const project = await createTestProject(h.db);
    for (const tickAt of [tick('2024-03-01T03:00:00Z'), tick('2024-03-02T03:00:00Z')]) {
      const claims = await Promise.all(
        Array.from({ length: 6 }, () =>
          h.db.transaction((tx) => claimScheduleTick(tx, { projectId: project.id, cron: '0 3 * * *', tickAt })),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
  });

  it('a claim rolled back with its transaction can be claimed again', async () => {
    const project = await createTestProject(h.db);
    const input = { projectId: project.id, cron: '0 3 * * *', tickAt: tick('2024-03-01T03:00:00Z') };
    await expect(
      h.db.transaction(async (tx) => {
        expect(await claimScheduleTick(tx, input)).toBe(true);
        throw new Error('run creation failed');
      }),
    ).rejects.toThrow('run creation failed');
    expect(await claimScheduleTick(h.db, input)).toBe(true);
  });
});
