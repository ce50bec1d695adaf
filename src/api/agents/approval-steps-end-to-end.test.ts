import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureProject, type RunDetail } from '../../store/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { createTestPeople, type PersonHeaders } from '../test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';


describePglite('approval steps and environment gates end to end', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let workDir: string;
  /** Maintainers of the team owning the projects, by name, as request headers. */
  let people: Record<'ann' | 'bob' | 'carol' | 'dave' | 'mia', PersonHeaders>;
  const as = (actor: string) => people[actor as keyof typeof people];

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-approvals-'));
    // No dispatcher tick within a test: an environment-gated job can only be released by the approve
    // route's own follow-up, which the last test relies on.
    platform = await startTestPlatform(harness.db, { tickMs: 600_000, agent: { name: 'approver-test', capacity: 2, workDir } });
    url = platform.url;
    people = await createTestPeople(harness.db, { ann: 'maintainer', bob: 'maintainer', carol: 'maintainer', dave: 'maintainer', mia: 'maintainer' });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  const startRun = async (project: string, pipeline: string, author: string) => {
    const posted = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: as(author),
      body: JSON.stringify({ project, ref: 'main', pipeline }),
    });
    if (posted.status !== 201) throw new Error(await posted.text());
    return (await posted.json()) as { runId: number; jobs: { id: number; key: string; status: string }[] };
  };
  const logOf = async (jobId: number) => (await fetch(`${url}/api/v1/jobs/${jobId}/log.txt`)).text();
  const finished = (runId: number) =>
    waitFor('the run to finish', async () => {
      const detail = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
      return ['succeeded', 'failed', 'canceled'].includes(detail.status) ? detail : undefined;
    });
  const gateInLog = (jobId: number, count: number) =>
    waitFor('the approval step to wait', async () => {
      const match = new RegExp(`waiting for ${count} approvals?: slipway approve (\\d+)`).exec(await logOf(jobId));
      return match ? Number(match[1]) : undefined;
    });
  const decide = (gateId: number, actor: string, decision: 'approve' | 'reject', comment?: string) =>
    fetch(`${url}/api/v1/approvals/${gateId}/${decision}`, {
      method: 'POST',
      headers: as(actor),
      body: JSON.stringify(comment === undefined ? {} : { comment }),
    });
  const approvalStepPipeline = (approvers: number) =>
    [
      'name: approvals',
      'stages:',
      '  - name: release',
      '    steps:',
      '      - run: echo before-approval',
      `      - approval: { approvers: ${approvers}, timeout: 1h }`,
      '      - run: echo after-approval',
    ].join('\n');

  it('waits at an inline approval step until two people other than the author approve', { timeout: 60_000 }, async () => {
    const { runId, jobs } = await startRun('acme/approvals', approvalStepPipeline(2), 'ann');
    const job = jobs[0]!;
    const gateId = await gateInLog(job.id, 2);

    const byAuthor = await decide(gateId, 'ann', 'approve');
    expect(byAuthor.status).toBe(403);
    expect(((await byAuthor.json()) as { error: { message: string } }).error.message).toMatch(/ann is the author .* cannot approve/);
    expect((await decide(gateId, 'bob', 'approve')).status).toBe(200);
    await waitFor('the first approval in the log', async () => ((await logOf(job.id)).includes('approved by bob (1 of 2)') ? true : undefined));
    const waiting = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
    expect(waiting.jobs[0]!.status).toBe('running');
    expect((await decide(gateId, 'carol', 'approve')).status).toBe(200);

    const run = await finished(runId);
    expect(run.status).toBe('succeeded');
    expect(run.jobs[0]!.steps.map((step) => [step.name, step.status])).toEqual([
      ['echo before-approval', 'succeeded'],
      ['approval (2 approvers)', 'succeeded'],
      ['echo after-approval', 'succeeded'],
    ]);
    const log = await logOf(job.id);
    expect(log).toContain(`waiting for 2 approvals: slipway approve ${gateId}`);
    expect(log.indexOf('after-approval\n')).toBeGreaterThan(log.indexOf('approved by bob, carol'));
  });

  it('fails the step, and so the job, when someone rejects it, with the comment in the failure', { timeout: 60_000 }, async () => {
    const { runId, jobs } = await startRun('acme/approvals', approvalStepPipeline(1), 'ann');
    const gateId = await gateInLog(jobs[0]!.id, 1);
    expect((await decide(gateId, 'dave', 'reject', 'the release notes are missing')).status).toBe(200);
    const run = await finished(runId);
    expect(run.status).toBe('failed');
    expect(run.jobs[0]!.failure).toMatchObject({
      kind: 'user',
      message: expect.stringMatching(/step 'approval \(1 approver\)' was not approved: approval request \d+ was rejected: rejected by dave \(maintainer\) — dave: "the release notes are missing"/),
    });
    expect(run.jobs[0]!.steps.map((step) => step.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(await logOf(jobs[0]!.id)).not.toContain('after-approval\n');
  });

  it('holds a job at its environment gate until approved over the API, and refuses the author', { timeout: 60_000 }, async () => {
    const project = 'acme/env-gated';
    await ensureProject(harness.db, { name: project });
    const put = await fetch(`${url}/api/v1/projects/${encodeURIComponent(project)}/environments/production`, {
      method: 'PUT',
      headers: as('mia'),
      body: JSON.stringify({ rules: { requiredApprovals: { count: 1 } } }),
    });
    expect(put.status).toBe(201);
    const pipeline = ['name: deploy', 'stages:', '  - name: deploy', '    environment: production', '    steps:', '      - run: echo deployed'].join('\n');
    const { runId, jobs } = await startRun(project, pipeline, 'ann');
    expect(jobs[0]!.status).toBe('pending');
    const listed = (await (await fetch(`${url}/api/v1/approvals?status=pending&project=${encodeURIComponent(project)}`)).json()) as {
      approvals: { id: number; runId: number; jobKey: string; author: string }[];
    };
    const gate = listed.approvals.find((approval) => approval.runId === runId)!;
    expect(gate).toMatchObject({ jobKey: 'deploy', author: 'ann' });
    expect((await decide(gate.id, 'ann', 'approve')).status).toBe(403);
    const still = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as RunDetail;
    expect(still.jobs[0]!.status).toBe('pending');

    expect((await decide(gate.id, 'bob', 'approve')).status).toBe(200);
    const run = await finished(runId);
    expect(run.status).toBe('succeeded');
    expect(await logOf(jobs[0]!.id)).toContain('deployed');
  });
});
