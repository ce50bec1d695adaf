import type { Db } from '../../store/db.js';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';

/** A job of a new run, whose log nobody has touched. */
export async function createTestJob(db: Db): Promise<number> {
  const project = await createTestProject(db, 'logs');
  const run = await createTestRun(db, project.id, [{ key: 'build', stage: 'build' }]);
  return run.jobs[0]!.id;
}

export const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function pollUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
