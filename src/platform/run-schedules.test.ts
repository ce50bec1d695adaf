import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../clock/clock.js';
import { ensureProject, getRun } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { createTestRepo, type TestRepo } from '../triggers/test-support/git-repo.js';
import { fireDueSchedules } from './run-schedules.js';

const pipeline = [
  'name: nightly',
  "trigger: { schedule: [{ cron: '0 3 * * *' }] }",
  'stages:',
  '  - name: build',
  '    steps:',
  '      - { name: hello, run: "echo hi" }',
].join('\n');

describePglite('fireDueSchedules', (harness) => {
  let repo: TestRepo;
  let dir: string;

  beforeAll(async () => {
    repo = await createTestRepo();
    dir = await mkdtemp(join(tmpdir(), 'slipway-schedules-'));
  });
  afterAll(async () => {
    await repo?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('enqueues a due tick of the default branch’s pipeline once, with trigger schedule', async () => {
    const sha = await repo.commit({ '.pipeline.yml': pipeline });
    await ensureProject(harness.db, { name: 'acme/nightly', repoUrl: repo.dir });
    const clock = createManualClock(Date.parse('2026-01-02T03:00:30Z'));
    const deps = { db: harness.db, clock, mirrorCacheDir: join(dir, 'mirrors'), logger: pino({ level: 'silent' }) };
    const since = new Date('2026-01-02T02:59:00Z');

    const [runId, ...more] = await fireDueSchedules(deps, since);
    expect(more).toEqual([]);
    const run = await getRun(harness.db, runId!);
    expect(run?.trigger).toBe('schedule');
    expect(run?.commitSha).toBe(sha);
    expect(run?.ref).toBe('main');

    // The same tick again (another server, or an overlapping pass): claimed already.
    expect(await fireDueSchedules(deps, since)).toEqual([]);
    // Nothing is due before the next 03:00.
    expect(await fireDueSchedules(deps, new Date(clock.now()))).toEqual([]);
  });
});
