import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { startTestAgent, startTestPlatform, type TestAgent, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';

interface PostedRun {
  runId: number;
  jobs: { id: number; key: string; status: string }[];
}

describePglite('hand-off of a new run to an idle agent', (harness) => {
  let platform: TestPlatform | undefined;
  let agent: TestAgent | undefined;
  let url: string;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-hand-off-'));
    platform = await startTestPlatform(harness.db);
    url = platform.url;
    agent = startTestAgent(url, { name: 'solo', labels: ['hand-off'], capacity: 1, workDir });
  });
  afterAll(async () => {
    await agent?.stop();
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  const post = async (steps: string[], runsOn = ['hand-off']): Promise<PostedRun> => {
    const pipeline = ['name: hand-off', 'stages:', '  - name: only', `    runs-on: [${runsOn.join(', ')}]`, '    steps:', ...steps.map((run) => `      - run: ${run}`)].join('\n');
    const answer = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'acme/hand-off', ref: 'main', pipeline }),
    });
    expect(answer.status).toBe(201);
    return (await answer.json()) as PostedRun;
  };
  const finished = (runId: number) =>
    waitFor(`run ${runId} to finish`, async () => {
      const run = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(run.status) ? run : undefined;
    });

  it('starts the job of a run posted while the agent is idle at once: running in the answer, first attempt, and it succeeds', { timeout: 30_000 }, async () => {
    // The first run finds the agent idle once it has connected; the later ones once the previous
    // run's report freed its slot and a pass found nothing else for it. A pass that happens to be
    // running when a run is posted sends that run through the queue instead: most must be handed off.
    await finished((await post(['exit 0'])).runId);
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      const posted = await post([`echo handed-off-${i}`]);
      statuses.push(posted.jobs[0]!.status);
      const run = await finished(posted.runId);
      expect(run.status).toBe('succeeded');
      expect(run.jobs[0]).toMatchObject({ status: 'succeeded', attempt: 1 });
    }
    expect(statuses.filter((status) => status === 'running').length).toBeGreaterThanOrEqual(4);
  });

  it('queues a run whose job the agent cannot take now (its one slot is busy) or ever (labels)', { timeout: 30_000 }, async () => {
    await finished((await post(['exit 0'])).runId);
    const busy = await post(['sleep 1']);
    const queued = await post(['echo after-the-sleep']);
    const unplaceable = await post(['exit 0'], ['hand-off', 'gpu']);
    expect(queued.jobs[0]!.status).toBe('queued');
    expect(unplaceable.jobs[0]!.status).toBe('queued');
    expect((await finished(busy.runId)).status).toBe('succeeded');
    expect((await finished(queued.runId)).status).toBe('succeeded');
    await fetch(`${url}/api/v1/runs/${unplaceable.runId}/cancel`, { method: 'POST' });
  });
});
