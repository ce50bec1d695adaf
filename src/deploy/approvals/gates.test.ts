import { beforeAll, expect, it } from 'vitest';
import { createManualClock } from '../../clock/clock.js';
import type { Project } from '../../store/index.js';
import { createTestProject, createTestRun } from '../../test-support/store-fixtures.js';
import { describeEachStore } from '../../test-support/test-store.js';
import { putEnvironment } from '../environments/put-environment.js';
import { deleteEnvironment } from '../environments/delete-environment.js';
import { decideGate } from './decide-gate.js';
import { expireGates } from './expire-gates.js';
import { listGates } from './list-gates.js';
import { openGate } from './open-gate.js';
import { readGate } from './read-gate.js';

const clock = createManualClock(Date.parse('2026-11-18T10:00:00Z')); // a Wednesday
const change = { author: 'alice', branch: 'main', linesChanged: 40, filesChanged: 2, paths: ['src/a.ts'], recentFailureRate: 0, stagingVerified: true };

describeEachStore('openGate, decideGate, readGate, expireGates', (h) => {
  let project: Project;
  beforeAll(async () => {
    project = await createTestProject(h.db, 'gates');
    const rules = (extra: object) => ({ requiredApprovals: { count: 2, roles: ['maintainer', 'admin'] }, ...extra });
    await putEnvironment(h.db, clock, { projectId: project.id, name: 'production', rules: rules({ branches: ['main', 'release/*'] }), actor: 'mia' });
    await putEnvironment(h.db, clock, { projectId: project.id, name: 'timed', rules: { waitTimerSeconds: 600 }, actor: 'mia' });
    await putEnvironment(h.db, clock, { projectId: project.id, name: 'auto', rules: rules({ autoApprove: { maxRisk: 20 } }), actor: 'mia' });
  });
  const open = (environment: string | null, extra: object = {}) => openGate(h.db, clock, { projectId: project.id, environment, change, ...extra });
  const decide = (requestId: number, actor: string, decision: 'approve' | 'reject' = 'approve', role = 'maintainer', comment?: string) =>
    decideGate(h.db, clock, { requestId, actor, role, decision, ...(comment === undefined ? {} : { comment }) });

  it('waits for two approvers, refusing the author, other roles and second decisions, and records every decision', async () => {
    const run = await createTestRun(h.db, project.id);
    const { request, evaluation } = await open('production', { runId: run.id, jobKey: 'deploy' });
    expect(evaluation.decision).toBe('wait');
    expect(request).toMatchObject({ status: 'pending', environment: 'production', runId: run.id, jobKey: 'deploy', requiredApprovals: 2, author: 'alice' });
    expect(request.riskFactors).toHaveLength(4);
    expect(request.reasons).toEqual(['needs 2 approvals from maintainer or admin, has 0']);

    await expect(decide(request.id, 'alice')).rejects.toMatchObject({ code: 'permission_denied', message: expect.stringMatching(/author .* cannot approve/) });
    await expect(decide(request.id, 'dan', 'approve', 'developer')).rejects.toMatchObject({
      code: 'permission_denied',
      message: expect.stringMatching(/dan has role developer, which may not decide approval request \d+ \(environment production\): only maintainer or admin may/),
    });
    const once = await decide(request.id, 'bob', 'approve', 'maintainer', 'lgtm');
    expect(once).toMatchObject({ status: 'pending', reasons: ['needs 2 approvals from maintainer or admin, has 1 (bob)'] });
    await expect(decide(request.id, 'bob')).rejects.toMatchObject({ code: 'already_exists', message: 'bob already approved approval request ' + request.id + ': one decision per person' });
    clock.advance(5000);
    const approved = await decide(request.id, 'ada', 'approve', 'admin');
    expect(approved).toMatchObject({ status: 'approved', reasons: ['approved by bob, ada'], decidedAt: new Date(clock.now()) });
    expect(approved.decisions).toEqual([
      { actor: 'bob', role: 'maintainer', decision: 'approve', comment: 'lgtm', decidedAt: expect.any(Date) },
      { actor: 'ada', role: 'admin', decision: 'approve', comment: '', decidedAt: new Date(clock.now()) },
    ]);
    await expect(decide(request.id, 'carl')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/is already approved since/) });
    expect(await readGate(h.db, request.id, clock)).toMatchObject({ status: 'approved', reasons: ['approved by bob, ada'] });
  });

  it('rejects on one rejection, which needs a comment', async () => {
    const { request } = await open('production');
    await expect(decide(request.id, 'bob', 'reject')).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/needs a comment/) });
    const rejected = await decide(request.id, 'bob', 'reject', 'maintainer', 'not on a Friday');
    expect(rejected).toMatchObject({ status: 'rejected', reasons: ['rejected by bob (maintainer)'] });
    expect(rejected.decisions).toMatchObject([{ actor: 'bob', decision: 'reject', comment: 'not on a Friday' }]);
  });

  it('stores a refused gate for a branch that may not deploy, and refuses unknown environments and gates', async () => {
    const { request, evaluation } = await open('production', { change: { ...change, branch: 'feature/x' } });
    expect(evaluation.decision).toBe('refuse');
    expect(request).toMatchObject({ status: 'rejected', reasons: ['branch feature/x may not deploy here: allowed branches are main, release/*'] });
    await expect(open('nowhere')).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/no environment nowhere: a maintainer creates it/) });
    await expect(readGate(h.db, 987_654_321, clock)).rejects.toMatchObject({ code: 'not_found' });
    await expect(decide(987_654_321, 'bob')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('passes the wait timer only once it has run out', async () => {
    const { request } = await open('timed');
    expect(request.status).toBe('pending');
    clock.advance(599_000);
    expect(await readGate(h.db, request.id, clock)).toMatchObject({ status: 'pending', retryAtMs: request.createdAt.getTime() + 600_000 });
    clock.advance(1000);
    expect((await readGate(h.db, request.id, clock)).status).toBe('approved');
  });

  it('auto-approves a low-risk change and holds a risky one (migrations) for a human', async () => {
    const low = await open('auto');
    expect(low.request).toMatchObject({ status: 'auto-approved', riskScore: 1, reasons: ['auto-approved: risk 1 ≤ 20'] });
    const risky = await open('auto', { change: { ...change, paths: ['db/migrations/0009_x.sql'] } });
    expect(risky.request).toMatchObject({ status: 'pending', riskScore: 26 });
    expect(risky.request.riskFactors.map((f) => f.explanation)).toContain('sensitive paths: db/migrations/0009_x.sql → +25 of 25');
    await decide(risky.request.id, 'bob');
    expect((await decide(risky.request.id, 'ada', 'approve', 'admin')).status).toBe('approved');
  });

  it('opens inline approval gates with their own count, and reads the failure rate from recent runs', async () => {
    const own = await createTestProject(h.db, 'inline');
    const runs = await Promise.all([1, 2, 3, 4].map(() => createTestRun(h.db, own.id)));
    await h.db.query(`UPDATE runs SET status = CASE WHEN id = $1 THEN 'failed' ELSE 'succeeded' END WHERE project_id = $2`, [runs[0]!.id, own.id]);
    const { request } = await openGate(h.db, clock, {
      projectId: own.id,
      change: { author: 'alice', branch: 'main' },
      requiredApprovals: 1,
      timeoutMs: 60_000,
    });
    expect(request).toMatchObject({ environment: null, status: 'pending', requiredApprovals: 1 });
    expect(request.riskFactors[2]!.explanation).toBe('recent failures: 25% of recent runs failed → +6 of 25');
    expect((await decide(request.id, 'bob')).status).toBe('approved');
  });

  it('applies a freeze declared after the gate opened', async () => {
    const own = await createTestProject(h.db, 'freeze');
    await putEnvironment(h.db, clock, { projectId: own.id, name: 'prod', rules: { requiredApprovals: { count: 1 } }, actor: 'mia' });
    const { request } = await openGate(h.db, clock, { projectId: own.id, environment: 'prod', change });
    const start = new Date(clock.now() - 1000).toISOString();
    const end = new Date(clock.now() + 3600_000).toISOString();
    await putEnvironment(h.db, clock, { projectId: own.id, name: 'prod', rules: { freezeWindows: [{ start, end, reason: 'incident 42' }] }, actor: 'mia' });
    const rejected = await readGate(h.db, request.id, clock);
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasons).toEqual([expect.stringMatching(/^frozen until .*: incident 42$/)]);
    await expect(decide(request.id, 'bob')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already rejected/) });
    // Deleting the environment keeps its gates and their history.
    expect(await deleteEnvironment(h.db, own.id, 'prod')).toBe(true);
    expect(await readGate(h.db, request.id, clock)).toMatchObject({ status: 'rejected', request: { environment: 'prod', environmentId: null } });
  });

  it('expires gates nobody decided in time, and lists gates by status', async () => {
    const own = await createTestProject(h.db, 'expire');
    const first = await openGate(h.db, clock, { projectId: own.id, change, requiredApprovals: 1, timeoutMs: 60_000 });
    const second = await openGate(h.db, clock, { projectId: own.id, change, requiredApprovals: 1, timeoutMs: 120_000 });
    expect((await listGates(h.db, { projectId: own.id, status: 'pending' })).map((g) => g.id)).toEqual([second.request.id, first.request.id]);
    clock.advance(60_000);
    expect(await expireGates(h.db, clock)).toEqual([first.request.id]);
    await expect(decide(first.request.id, 'bob')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already expired/) });
    clock.advance(60_000);
    // decideGate expires a gate past its timeout itself, without waiting for expireGates.
    await expect(decide(second.request.id, 'bob')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already expired/) });
    const expired = await listGates(h.db, { projectId: own.id, status: 'expired' });
    expect(expired.map((g) => g.id)).toEqual([second.request.id, first.request.id]);
    expect(expired[1]!.reasons.at(-1)).toMatch(/^expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: nobody decided in time$/);
    expect(await listGates(h.db, { projectId: own.id, status: 'pending' })).toEqual([]);
  });

  it('serialises concurrent decisions: two approvers, two approvals counted, one approved gate', async () => {
    const { request } = await open('production');
    const results = await Promise.all([decide(request.id, 'bob'), decide(request.id, 'ada', 'approve', 'admin')]);
    expect(results.map((r) => r.status).sort()).toEqual(['approved', 'pending']);
    const twice = await open('production');
    const same = await Promise.allSettled([decide(twice.request.id, 'bob'), decide(twice.request.id, 'bob')]);
    expect(same.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
