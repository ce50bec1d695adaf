/**
 * The database fails between recording a job's result and finishing its log (two transactions): the
 * agent's report is answered 503 and retried, and the retry finds the job already finished. Found by
 * postgres-restart.test.ts, where it left the job's log stream open forever (readers never got its
 * end); here the failure is injected at exactly that point, so the case is exercised on every run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { Db } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { runPipeline } from '../test-support/run-pipeline.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';

/**
 * The store, except that after a job's success is recorded the next statement on its log head (the
 * log's finish) fails once, as a connection lost at that moment would.
 */
function failLogFinishOnce(db: Db): { db: Db; injected(): number } {
  let armed = false;
  let injected = 0;
  const trip = (sql: string) => {
    if (armed && /FROM job_logs WHERE job_id = \$1 FOR UPDATE/.test(sql)) {
      armed = false;
      injected++;
      throw new AppError(ErrorCode.unavailable, 'lost the connection to PostgreSQL (injected by the test)');
    }
  };
  const wrap = (inner: Db): Db => ({
    kind: inner.kind,
    query: async <T = Record<string, unknown>>(sql: string, params?: readonly unknown[]) => {
      trip(sql);
      const result = await inner.query<T>(sql, params);
      if (/WITH finished AS/.test(sql) && result.rowCount > 0) armed = true;
      return result;
    },
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
  });
  return { db: wrap(db), injected: () => injected };
}

describePglite('a job whose log finish is lost to a database failure', (harness) => {
  let platform: TestPlatform | undefined;
  let workDir: string;
  let store: ReturnType<typeof failLogFinishOnce>;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-lost-log-finish-'));
    store = failLogFinishOnce(harness.db);
    platform = await startTestPlatform(store.db, { agent: { name: 'solo', capacity: 1, workDir } });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('still ends its log stream once the agent retries its report (3 runs)', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 3; i++) {
      const before = store.injected();
      const finished = await runPipeline(platform!.url, {
        project: 'reliability/lost-log-finish',
        ref: 'main',
        pipeline: `name: lost-${i}\nstages:\n  - name: only\n    steps:\n      - run: echo hello-${i}\n`,
      });
      expect(finished.run.status).toBe('succeeded');
      expect(store.injected()).toBe(before + 1);
      // runPipeline's logOf reads the SSE stream to its end: it hangs (and fails on this bound) if the log never ends.
      const log = await Promise.race([
        finished.logOf('only'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the log stream never ended')), 10_000)),
      ]);
      expect(log).toContain(`hello-${i}`);
    }
  });
});
