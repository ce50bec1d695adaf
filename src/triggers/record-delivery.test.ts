import { expect, it } from 'vitest';
import { createTestProject, createTestRun } from '../test-support/store-fixtures.js';
import { describeEachStore } from '../test-support/test-store.js';
import { attachRunToDelivery, createRunForDelivery, recordDelivery } from './record-delivery.js';

describeEachStore('webhook deliveries', (h) => {
  it('records a delivery once: a replay is not first and sees the run it started', async () => {
    const project = await createTestProject(h.db);
    const key = { provider: 'github' as const, deliveryId: 'delivery-1' };
    expect(await recordDelivery(h.db, { ...key, projectId: project.id })).toEqual({ firstTime: true });
    expect(await recordDelivery(h.db, { ...key, projectId: project.id })).toEqual({ firstTime: false });
    const run = await createTestRun(h.db, project.id);
    await attachRunToDelivery(h.db, { ...key, runId: run.id });
    await attachRunToDelivery(h.db, { ...key, runId: run.id });
    expect(await recordDelivery(h.db, { ...key, projectId: project.id })).toEqual({ firstTime: false, runId: run.id });
    // The same id from the other provider is another delivery.
    expect(await recordDelivery(h.db, { provider: 'gitlab', deliveryId: 'delivery-1', projectId: project.id })).toEqual({
      firstTime: true,
    });
  });

  it('refuses to attach a second run, or a run to an unrecorded delivery', async () => {
    const project = await createTestProject(h.db);
    const key = { provider: 'github' as const, deliveryId: 'delivery-2' };
    await recordDelivery(h.db, { ...key, projectId: project.id });
    const [first, second] = [await createTestRun(h.db, project.id), await createTestRun(h.db, project.id)];
    await attachRunToDelivery(h.db, { ...key, runId: first.id });
    await expect(attachRunToDelivery(h.db, { ...key, runId: second.id })).rejects.toMatchObject({ code: 'failed_precondition' });
    await expect(attachRunToDelivery(h.db, { provider: 'github', deliveryId: 'never-seen', runId: first.id })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('concurrent replays of one delivery create one run, and all of them get its id', async () => {
    const project = await createTestProject(h.db);
    const input = { provider: 'github' as const, deliveryId: 'delivery-race', projectId: project.id };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createRunForDelivery(h.db, input, async (tx) => (await createTestRun(tx, project.id)).id)),
    );
    expect(results.filter((r) => r.firstTime)).toHaveLength(1);
    const runIds = new Set(results.map((r) => r.runId));
    expect(runIds.size).toBe(1);
    expect([...runIds][0]).toEqual(expect.any(Number));
    const runs = await h.db.query('SELECT id FROM runs WHERE project_id = $1', [project.id]);
    expect(runs.rows).toEqual([{ id: [...runIds][0] }]);
  });

  it('a failed run creation records nothing, so the provider’s retry starts the run', async () => {
    const project = await createTestProject(h.db);
    const input = { provider: 'gitlab' as const, deliveryId: 'sha256:abc', projectId: project.id };
    await expect(
      createRunForDelivery(h.db, input, async () => {
        throw new Error('pipeline file unreadable');
      }),
    ).rejects.toThrow('pipeline file unreadable');
    const retried = await createRunForDelivery(h.db, input, async (tx) => (await createTestRun(tx, project.id)).id);
    expect(retried).toEqual({ firstTime: true, runId: expect.any(Number) });
  });

  it('a delivery that starts no run is still recorded', async () => {
    const project = await createTestProject(h.db);
    const input = { provider: 'github' as const, deliveryId: 'filtered-out', projectId: project.id };
    expect(await createRunForDelivery(h.db, input, async () => undefined)).toEqual({ firstTime: true });
    let called = false;
    const replay = await createRunForDelivery(h.db, input, async () => {
      called = true;
      return undefined;
    });
    expect([replay, called]).toEqual([{ firstTime: false }, false]);
  });

  it('refuses an empty delivery id', async () => {
    const project = await createTestProject(h.db);
    await expect(recordDelivery(h.db, { provider: 'github', deliveryId: '', projectId: project.id })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
