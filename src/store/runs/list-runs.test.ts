import { beforeAll, expect, it } from 'vitest';
import type { Project } from '../projects/project.js';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { listRuns, listRunsPage } from './list-runs.js';

describeEachStore('listRuns', (h) => {
  let alpha: Project;
  let beta: Project;
  beforeAll(async () => {
    [alpha, beta] = [await createTestProject(h.db, 'alpha'), await createTestProject(h.db, 'beta')];
    // Interleaved on purpose: alpha 1, beta 1, alpha 2, beta 2, alpha 3.
    for (const project of [alpha, beta, alpha, beta, alpha]) await createTestRun(h.db, project.id);
  });

  it("lists one project's runs newest first", async () => {
    expect((await listRuns(h.db, { projectId: alpha.id })).map((r) => r.number)).toEqual([3, 2, 1]);
    expect((await listRuns(h.db, { projectId: beta.id })).map((r) => [r.projectId, r.number])).toEqual([
      [beta.id, 2],
      [beta.id, 1],
    ]);
  });

  it('lists every project newest first, up to the limit', async () => {
    const runs = await listRuns(h.db, { limit: 4 });
    expect(runs.map((r) => [r.projectId, r.number])).toEqual([
      [alpha.id, 3],
      [beta.id, 2],
      [alpha.id, 2],
      [beta.id, 1],
    ]);
  });

  it('refuses a limit outside 1..1000', async () => {
    for (const limit of [0, -1, 1.5, 1001]) {
      await expect(listRuns(h.db, { limit })).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(listRunsPage(h.db, { limit })).rejects.toMatchObject({ code: 'invalid_argument' });
    }
  });

  it('pages by cursor: each page continues after the last id of the one before, and the last says so', async () => {
    const numbers = async (page: { runs: { number: number }[] }) => page.runs.map((r) => r.number);
    const first = await listRunsPage(h.db, { projectId: alpha.id, limit: 2 });
    expect(await numbers(first)).toEqual([3, 2]);
    expect(first.next).toBe(Number(first.runs[1]!.id));
    // A run created between two page reads shows on the first page, not as a repeat on the second.
    await createTestRun(h.db, alpha.id);
    const second = await listRunsPage(h.db, { projectId: alpha.id, limit: 2, beforeId: first.next! });
    expect(await numbers(second)).toEqual([1]);
    expect(second.next).toBeNull();
    // Exactly a page left: no cursor to an empty page.
    const exact = await listRunsPage(h.db, { projectId: beta.id, limit: 2 });
    expect(exact.runs).toHaveLength(2);
    expect(exact.next).toBeNull();
  });
});
