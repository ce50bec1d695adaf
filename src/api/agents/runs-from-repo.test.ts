import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunDetail } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { createTestRepo, type TestRepo } from '../../triggers/test-support/git-repo.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';

const pipeline = [
  'name: from-repo',
  'stages:',
  '  - name: build',
  '    steps:',
  '      - { uses: git-checkout }',
  '      - { name: show, run: "cat file-in-repo.txt && git rev-parse HEAD" }',
].join('\n');

describePglite('runs started from a repository', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let dir: string;
  let repo: TestRepo;
  let bare: TestRepo;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-from-repo-'));
    repo = await createTestRepo();
    bare = await createTestRepo();
    platform = await startTestPlatform(harness.db, {
      mirrorCacheDir: join(dir, 'server-mirrors'),
      agent: { name: 'repo-agent', labels: [], capacity: 1, workDir: join(dir, 'agent') },
    });
    url = platform.url;
  });
  afterAll(async () => {
    await platform?.stop();
    await repo?.remove();
    await bare?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  const postRun = (body: Record<string, unknown>) =>
    fetch(`${url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function runToEnd(body: Record<string, unknown>): Promise<{ run: RunDetail; log: string; commitSha: string }> {
    const posted = await postRun(body);
    const answer = (await posted.json()) as { runId: number; commitSha: string; jobs: { id: number }[] };
    expect(posted.status, JSON.stringify(answer)).toBe(201);
    const run = await waitFor('the run to finish', async () => {
      const detail = (await (await fetch(`${url}/api/v1/runs/${answer.runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
    });
    const stream = await (await fetch(`${url}/api/v1/jobs/${answer.jobs[0]!.id}/logs`)).text();
    const log = stream
      .split('\n\n')
      .filter((event) => event.startsWith('event: chunk'))
      .map((event) => (JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { text: string }).text)
      .join('');
    return { run, log, commitSha: answer.commitSha };
  }

  it('reads .pipeline.yml at the ref’s commit and the agent checks out exactly that commit', { timeout: 40_000 }, async () => {
    const first = await repo.commit({ '.pipeline.yml': pipeline, 'file-in-repo.txt': 'content-one\n' }, 'first');
    const one = await runToEnd({ project: 'acme/from-repo', ref: 'main', repoUrl: repo.dir });
    expect(one.commitSha).toBe(first);
    expect(one.run.commitSha).toBe(first);
    expect(one.run.status, one.log).toBe('succeeded');
    // The step's own output, not git-checkout's "checked out <sha>" line.
    expect(one.log).toContain(`\ncontent-one\n${first}\n`);

    const second = await repo.commit({ 'file-in-repo.txt': 'content-two\n' }, 'second');
    // repoUrl is remembered by the project: the second run need not repeat it.
    const two = await runToEnd({ project: 'acme/from-repo', ref: 'main' });
    expect(two.commitSha).toBe(second);
    expect(two.run.status, two.log).toBe('succeeded');
    expect(two.log).toContain(`\ncontent-two\n${second}\n`);
    expect(two.log).not.toContain('content-one');
  });

  it('answers 404 naming the ref when it names no commit, and 400 for a ref that looks like an option', async () => {
    await repo.commit({ '.pipeline.yml': pipeline, 'file-in-repo.txt': 'x\n' });
    const missing = await postRun({ project: 'acme/no-ref', ref: 'no-such-branch', repoUrl: repo.dir });
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as { error: { message: string } };
    expect(body.error.message).toContain('"no-such-branch" does not name a commit');

    const option = await postRun({ project: 'acme/no-ref', ref: '--upload-pack=touch /tmp/x', repoUrl: repo.dir });
    expect(option.status).toBe(400);
    expect(((await option.json()) as { error: { message: string } }).error.message).toContain('starts with -');
  });

  it('answers 404 when the commit has no .pipeline.yml, and 400 with diagnostics naming file and commit when it is invalid', async () => {
    const sha = await bare.commit({ 'README.md': 'no pipeline here\n' });
    const none = await postRun({ project: 'acme/no-pipeline', ref: 'main', repoUrl: bare.dir });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { message: string } }).error.message).toContain(`no .pipeline.yml at ${sha}`);

    const broken = await bare.commit({ '.pipeline.yml': 'name: broken\nstages: 3\n' });
    const invalid = await postRun({ project: 'acme/no-pipeline', ref: 'main' });
    expect(invalid.status).toBe(400);
    const answer = (await invalid.json()) as { error: { code: string; message: string; details: { diagnostics: unknown[] } } };
    expect(answer.error.code).toBe('invalid_pipeline');
    expect(answer.error.message).toContain(`.pipeline.yml at ${broken}`);
    expect(answer.error.details.diagnostics.length).toBeGreaterThan(0);
  });

  it('refuses to re-point a project at another repository', async () => {
    const other = await postRun({ project: 'acme/from-repo', ref: 'main', repoUrl: bare.dir });
    expect(other.status).toBe(409);
  });
});
