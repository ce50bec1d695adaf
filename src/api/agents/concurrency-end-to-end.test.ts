import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { startTestAgent, startTestPlatform, type TestAgent, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';

/** `concurrency:` and `priority:` of a pipeline file, through the API to a real agent. */
describePglite('concurrency groups and priorities end to end', (harness) => {
  let platform: TestPlatform | undefined;
  const agents: TestAgent[] = [];
  let url: string;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-concurrency-'));
    platform = await startTestPlatform(harness.db);
    url = platform.url;
    agents.push(startTestAgent(url, { name: 'wide', labels: ['group-test'], capacity: 3, workDir: join(workDir, 'wide') }));
    agents.push(startTestAgent(url, { name: 'narrow', labels: ['priority-test'], capacity: 1, workDir: join(workDir, 'narrow') }));
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  const post = async (options: { top?: string[]; label: string; run: string; ref?: string; priority?: number }): Promise<number> => {
    const pipeline = ['name: c', ...(options.top ?? []), 'stages:', '  - name: only', `    runs-on: [${options.label}]`, '    steps:', `      - run: ${options.run}`].join(
      '\n',
    );
    const answer = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'acme/concurrency', ref: options.ref ?? 'main', pipeline, ...(options.priority === undefined ? {} : { priority: options.priority }) }),
    });
    expect(answer.status).toBe(201);
    return ((await answer.json()) as { runId: number }).runId;
  };
  const runOf = async (runId: number) => (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
  const reaches = (runId: number, statuses: string[]) =>
    waitFor(`run ${runId} to be ${statuses.join(' or ')}`, async () => {
      const run = await runOf(runId);
      return statuses.includes(run.status) ? run : undefined;
    });

  it('queues a run behind the running run of its group although the agent has free slots; other refs are other groups', { timeout: 30_000 }, async () => {
    const top = [`concurrency: deploy-\${{ ref }}`];
    const first = await post({ top, label: 'group-test', run: 'sleep 1.5' });
    await reaches(first, ['running']);
    const second = await post({ top, label: 'group-test', run: 'echo second' });
    const otherRef = await post({ top, label: 'group-test', run: 'echo other-ref', ref: 'release' });
    // The other ref's group is free: it runs beside the first at once.
    expect((await reaches(otherRef, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect((await runOf(second)).jobs[0]!.status).toBe('queued');
    const done = await reaches(first, ['succeeded', 'failed']);
    const after = await reaches(second, ['succeeded', 'failed']);
    expect(after.status).toBe('succeeded');
    expect(new Date(after.jobs[0]!.startedAt!).getTime()).toBeGreaterThanOrEqual(new Date(done.jobs[0]!.finishedAt!).getTime());
  });

  it('cancels the older run of its group with cancel-in-progress', { timeout: 30_000 }, async () => {
    const top = ['concurrency: { group: preview, cancel-in-progress: true }'];
    const older = await post({ top, label: 'group-test', run: 'sleep 30' });
    await reaches(older, ['running']);
    const newer = await post({ top, label: 'group-test', run: 'echo newer' });
    expect((await reaches(older, ['canceled', 'succeeded', 'failed'])).status).toBe('canceled');
    expect((await reaches(newer, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('dispatches the higher-priority queued run first, from the file or from the request', { timeout: 30_000 }, async () => {
    const blocker = await post({ label: 'priority-test', run: 'sleep 1' });
    await reaches(blocker, ['running']);
    const low = await post({ label: 'priority-test', run: 'echo low' });
    const fromFile = await post({ top: ['priority: 10'], label: 'priority-test', run: 'echo from-file' });
    const fromRequest = await post({ label: 'priority-test', run: 'echo from-request', priority: 20 });
    const started = async (runId: number) => new Date((await reaches(runId, ['succeeded', 'failed'])).jobs[0]!.startedAt!).getTime();
    const [lowAt, fileAt, requestAt] = [await started(low), await started(fromFile), await started(fromRequest)];
    expect(requestAt).toBeLessThan(fileAt);
    expect(fileAt).toBeLessThan(lowAt);
  });
});
