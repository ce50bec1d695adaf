import { expect, it } from 'vitest';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import type { Db } from '../db.js';
import { failureKinds, jobStatuses, runStatuses, runTriggers, stepStatuses } from './run.js';

/** Every value the schema's CHECK constraint accepts for a column, probed inside a rolled-back transaction. */
async function accepted(db: Db, update: string, candidates: readonly string[]): Promise<string[]> {
  const ok: string[] = [];
  for (const value of candidates) {
    try {
      await db.transaction(async (tx) => {
        await tx.query(update, [value]);
        throw new Error('rollback');
      });
    } catch (err) {
      if ((err as Error).message === 'rollback') ok.push(value);
      else expect((err as { code?: string }).code).toBe('23514');
    }
  }
  return ok;
}

describeEachStore('schema enums', (h) => {
  it('accept exactly the values of the TypeScript types', async () => {
    const project = await createTestProject(h.db);
    const run = await createTestRun(h.db, project.id);
    const job = run.jobs[0]!;
    const bogus = ['bogus', 'SUCCEEDED', ''];
    const all = [...new Set([...runTriggers, ...runStatuses, ...jobStatuses, ...stepStatuses, ...failureKinds, ...bogus])];
    expect(await accepted(h.db, `UPDATE runs SET trigger = $1 WHERE id = ${run.id}`, all)).toEqual(all.filter((v) => runTriggers.includes(v as never)));
    expect(await accepted(h.db, `UPDATE runs SET status = $1 WHERE id = ${run.id}`, all)).toEqual(all.filter((v) => runStatuses.includes(v as never)));
    expect(
      await accepted(h.db, `UPDATE jobs SET status = $1, failure = '{"kind":"user","retryable":false,"message":"x"}' WHERE id = ${job.id}`, all),
    ).toEqual(all.filter((v) => jobStatuses.includes(v as never)));
    expect(await accepted(h.db, `UPDATE steps SET status = $1 WHERE job_id = ${job.id}`, all)).toEqual(all.filter((v) => stepStatuses.includes(v as never)));
    expect(
      await accepted(h.db, `UPDATE jobs SET failure = jsonb_build_object('kind', $1::text, 'retryable', true, 'message', 'm') WHERE id = ${job.id}`, all),
    ).toEqual(all.filter((v) => failureKinds.includes(v as never)));
  });

  it('refuses a failed job without a failure, and a malformed failure', async () => {
    const project = await createTestProject(h.db);
    const job = (await createTestRun(h.db, project.id)).jobs[0]!;
    await expect(h.db.query("UPDATE jobs SET status = 'failed' WHERE id = $1", [job.id])).rejects.toMatchObject({ code: '23514' });
    await expect(
      h.db.query(`UPDATE jobs SET failure = '{"kind":"user","retryable":"no","message":"m"}' WHERE id = $1`, [job.id]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
