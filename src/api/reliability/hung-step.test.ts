/**
 * A step that never exits, through the server and a real agent: its `timeout` ends it, the job and run
 * fail as timed out with a message that says so, no process of the step is left behind, and the same
 * agent (capacity 1, so a stuck slot would starve it) goes on to run the next job.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePglite } from '../../test-support/test-store.js';
import { runPipeline } from '../test-support/run-pipeline.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';

/** Processes whose command line contains `marker`, found in /proc: steps may run in a pid namespace (bubblewrap). */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').join(' ').includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** Hung in different ways; `marker` is in the command line of every process the step leaves hanging. */
const hangs = [
  { name: 'sleeps forever', timeout: 'step', marker: 'sleep 601.5', run: 'sleep 601.5' },
  { name: 'ignores SIGTERM', timeout: 'step', marker: 'sleep 602.5', run: "trap '' TERM; while true; do sleep 602.5; done" },
  { name: 'waits on a background child', timeout: 'job', marker: 'sleep 603.5', run: 'sleep 603.5 & wait' },
] as const;

describePglite('a hung step', (harness) => {
  let platform: TestPlatform | undefined;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-hung-step-'));
    platform = await startTestPlatform(harness.db, { agent: { name: 'solo', capacity: 1, workDir: join(root, 'agent') } });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it(`is ended by its timeout, the run fails as timed out, and the agent runs the next job (${hangs.length} kinds of hang)`, { timeout: 60_000 }, async () => {
    const url = platform!.url;
    const outcomes: string[] = [];
    for (const [index, hang] of hangs.entries()) {
      const stepTimeout = hang.timeout === 'step' ? '        timeout: 1s\n' : '';
      const jobTimeout = hang.timeout === 'job' ? '    timeout: 1s\n' : '';
      const pipeline =
        `name: hung-${index}\nstages:\n  - name: hangs\n${jobTimeout}    steps:\n` +
        `      - name: before\n        run: echo before\n` +
        `      - name: stuck\n${stepTimeout}        run: ${JSON.stringify(hang.run)}\n` +
        `      - name: after\n        run: echo never\n`;
      const startedAt = Date.now();
      const hung = await runPipeline(url, { project: 'reliability/hung', ref: 'main', pipeline }, 30_000);
      const tookMs = Date.now() - startedAt;
      const job = hung.run.jobs[0]!;
      expect(hung.run.status, hang.name).toBe('failed');
      expect(job.status).toBe('failed');
      expect(job.failure, hang.name).toMatchObject({ kind: 'timeout', retryable: false });
      // A timeout is final: not run again unless the pipeline asks with retry:.
      expect(job.attempt, hang.name).toBe(1);
      expect(job.failure?.message, hang.name).toMatch(/timed out after 1000 ms/);
      const log = await hung.logOf('hangs');
      expect(log).toContain('before');
      expect(log).not.toContain('never');

      expect(await processesWith(hang.marker), `${hang.name}: its processes must be gone once the run failed`).toEqual([]);

      // The same single-slot agent takes the next job: the hung one did not keep its slot.
      const next = await runPipeline(url, { project: 'reliability/hung', ref: 'main', pipeline: `name: next-${index}\nstages:\n  - name: ok\n    steps:\n      - run: echo fine\n` });
      expect(next.run.status).toBe('succeeded');
      outcomes.push(`${hang.name} (${hang.timeout} timeout): failed in ${tookMs} ms after ${job.attempt} attempt(s): ${job.failure?.message}`);
    }
    console.log(`hung steps: ${outcomes.join('; ')}`);
  });
});
