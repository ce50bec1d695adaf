/**
 * Every documented route × every kind of caller, on a server with every optional part: the access each
 * operation declares is what the server enforces. Denials are exact (401 anonymous, 403 a role too
 * weak, 404 a project of another team, answered like a missing one); allowed calls never meet the
 * access layer's refusals (whatever the handler then says about the body). Then the points a person
 * cares about: team B cannot read team A's runs, logs, secrets or artifacts and cannot tell them from
 * missing ones; lists show only their teams' projects; expired, revoked, forged and agent tokens are
 * refused; a cookie session needs its CSRF token to change anything.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock/clock.js';
import { openGate } from '../../deploy/approvals/index.js';
import { createUser, findProjectAccess, getUser, issueToken, type TeamRole } from '../../identity/index.js';
import { fixtureServiceSpec, writeFixtureRelease } from '../../deploy/controller/test-support/deploy-fixture.js';
import { describePglite } from '../../test-support/test-store.js';
import type { ApiOperation } from '../openapi/api-operation.js';
import { apiOperations } from '../openapi/api-operations.js';
import { createTestUser } from '../test-support/sign-in-as-admin.js';
import { type FullTestPlatform, startFullTestPlatform } from '../test-support/start-full-test-platform.js';
import { type TestPlatform, testAgentToken } from '../test-support/start-test-platform.js';

const pipeline = ['name: seeded', 'stages:', '  - name: build', '    runs-on: [nobody-runs-this]', '    steps:', '      - { run: "true" }'].join('\n');

/** Who calls: a member of team-a with a role, a maintainer of team-b, an administrator, nobody. */
type Caller = { kind: 'member'; role: TeamRole } | { kind: 'other-team' } | { kind: 'admin' } | { kind: 'anonymous' };
const callers: Record<string, Caller> = {
  'a-viewer': { kind: 'member', role: 'viewer' },
  'a-developer': { kind: 'member', role: 'developer' },
  'a-maintainer': { kind: 'member', role: 'maintainer' },
  'a-admin': { kind: 'member', role: 'admin' },
  'b-maintainer': { kind: 'other-team' },
  root: { kind: 'admin' },
  anonymous: { kind: 'anonymous' },
};
const rank: TeamRole[] = ['viewer', 'developer', 'maintainer', 'admin'];

/** What the access layer must answer: a status it refuses with, or allow. */
function expected(operation: ApiOperation, caller: Caller): 401 | 403 | 404 | 'allow' {
  const { access } = operation;
  if (access.kind === 'public') return 'allow';
  if (caller.kind === 'anonymous') return 401;
  if (caller.kind === 'admin' || access.kind === 'user') return 'allow';
  if (access.kind === 'admin') return 403;
  if (access.kind !== 'project') throw new Error(`unexpected access ${access.kind}`);
  if (caller.kind === 'other-team') return 404;
  return rank.indexOf(caller.role) >= rank.indexOf(access.role) ? 'allow' : 403;
}

describePglite('access control: every route × every caller', (h) => {
  let full: FullTestPlatform;
  let dir: string;
  let platform: TestPlatform;
  let url: string;
  const tokens: Record<string, string> = {};
  const seeded = { runId: 0, jobId: 0, gateId: 0, otherRunId: 0, otherJobId: 0, deploymentId: 0, tokenId: 0 };
  const auth = (name: string): Record<string, string> => (name === 'anonymous' ? {} : { authorization: `Bearer ${tokens[name]}` });

  beforeAll(async () => {
    full = await startFullTestPlatform(h.db, { name: 'access-test', signedIn: false });
    ({ platform, dir } = full);
    url = platform.url;
    tokens.root = platform.adminToken;
    for (const [name, caller] of Object.entries(callers)) {
      if (caller.kind === 'member') tokens[name] = await createTestUser(h.db, name, caller.role, 'team-a');
      if (caller.kind === 'other-team') tokens[name] = await createTestUser(h.db, name, 'maintainer', 'team-b');
    }
    // Team A's project with a run (its job waits for an agent that never comes) and a pending gate;
    // team B's likewise. Each created by its own developer, in their one team.
    const start = async (project: string, who: string) => {
      const response = await fetch(`${url}/api/v1/runs`, {
        method: 'POST',
        headers: { ...auth(who), 'content-type': 'application/json' },
        body: JSON.stringify({ project, ref: 'main', pipeline }),
      });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { runId: number; jobs: { id: number }[] };
      return { runId: body.runId, jobId: body.jobs[0]!.id };
    };
    ({ runId: seeded.runId, jobId: seeded.jobId } = await start('a/app', 'a-developer'));
    ({ runId: seeded.otherRunId, jobId: seeded.otherJobId } = await start('b/app', 'b-maintainer'));
    const a = (await findProjectAccess(h.db, 'project', 'a/app'))!;
    seeded.gateId = (await openGate(h.db, systemClock, { projectId: a.projectId, requiredApprovals: 1, change: { author: 'someone', branch: 'main' } })).request.id;
    // A deployment of team A's (a real one: the walk promotes and aborts it), a token and a person
    // the walk may revoke and move between teams without touching the callers themselves.
    const maintainer = { ...auth('a-maintainer'), 'content-type': 'application/json' };
    expect((await fetch(`${url}/api/v1/projects/${encodeURIComponent('a/app')}/environments/staging`, { method: 'PUT', headers: maintainer, body: JSON.stringify({ rules: {} }) })).status).toBe(201);
    const deployed = await fetch(`${url}/api/v1/deployments`, {
      method: 'POST',
      headers: maintainer,
      body: JSON.stringify({ project: 'a/app', environment: 'staging', service: fixtureServiceSpec('matrix', 'v1', { replicas: 1 }), version: 'v1', dir: await writeFixtureRelease(join(dir, 'release')) }),
    });
    expect(deployed.status).toBe(202);
    seeded.deploymentId = ((await deployed.json()) as { deployment: { id: number } }).deployment.id;
    const throwaway = await createUser(h.db, { name: 'throwaway', admin: false, nowMs: Date.now() });
    seeded.tokenId = (await issueToken(h.db, { kind: 'user', userId: throwaway.id, name: 'walked', createdBy: 'test', nowMs: Date.now() })).id;
  }, 120_000);
  afterAll(async () => {
    await full?.stop();
  });

  /** A concrete request for the operation, on team A's things. */
  const requestFor = (operation: ApiOperation): { path: string; body?: unknown } => {
    const from = operation.access.kind === 'project' ? operation.access.from : undefined;
    const id = operation.path.startsWith('/api/v1/tokens/') ? seeded.tokenId : ({ run: seeded.runId, job: seeded.jobId, approval: seeded.gateId, deployment: seeded.deploymentId }[from as string] ?? 1);
    const path = operation.path
      .replace(':project', encodeURIComponent('a/app'))
      .replace(':id', String(id))
      .replace(':artifactId', '1')
      .replace(':sequence', '1')
      .replace(':team', 'team-a')
      .replace(':user', 'throwaway')
      .replace(':name', operation.path.includes('/users/') ? 'a-viewer' : operation.path.includes('/secrets/') ? 'TOKEN' : 'prod')
      .replace('*', 'file.txt');
    if (operation.method === 'GET' || operation.method === 'DELETE') return { path };
    const body = from === 'body' ? { project: 'a/app', ref: 'main', pipeline } : {};
    return { path, body };
  };

  const people = apiOperations.filter((operation) => operation.access.kind !== 'agent');

  it('declares an access for every documented route, and agents only on agent routes', () => {
    for (const operation of apiOperations) expect(['public', 'agent', 'user', 'admin', 'project']).toContain(operation.access.kind);
    for (const operation of apiOperations) expect(operation.access.kind === 'agent', operation.operationId).toBe(operation.agentOnly === true);
  });

  describe.each(Object.keys(callers))('as %s', (name) => {
    it.each(people.map((operation) => [`${operation.method} ${operation.path}`, operation] as const))('%s', async (_label, operation) => {
      const { path, body } = requestFor(operation);
      // The webhooks check their own signature; Prometheus and the documents are for anyone.
      if (operation.access.kind === 'public') return;
      const response = await fetch(`${url}${path}`, {
        method: operation.method,
        headers: { ...auth(name), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // A live stream (a job's log) is not read to its end: its answer is in the status.
      const live = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
      const answer = live ? '' : (await response.text()).slice(0, 300);
      if (live) await response.body?.cancel();
      const want = expected(operation, callers[name]!);
      if (want === 'allow') {
        // The handler may still refuse on its own terms (an approver's role, a team's admins), but
        // never with the access layer's answers.
        expect(response.status, `${name} ${operation.method} ${path}: ${answer}`).not.toBe(401);
        expect(answer, `${name} ${operation.method} ${path}`).not.toMatch(/in the projects you can see|"no project a\/app"|or above in the team owning|only administrators may/);
      } else {
        expect(response.status, `${name} ${operation.method} ${path}: ${answer}`).toBe(want);
      }
    });
  });

  it("hides team A's runs, logs, artifacts, secrets and approvals from team B, exactly like missing ones", async () => {
    const b = auth('b-maintainer');
    const pairs: [string, string][] = [
      [`/api/v1/runs/${seeded.runId}`, '/api/v1/runs/99999999'],
      [`/api/v1/jobs/${seeded.jobId}/log.txt`, '/api/v1/jobs/99999999/log.txt'],
      [`/api/v1/jobs/${seeded.jobId}/logs`, '/api/v1/jobs/99999999/logs'],
      [`/api/v1/runs/${seeded.runId}/artifacts`, '/api/v1/runs/99999999/artifacts'],
      [`/api/v1/approvals/${seeded.gateId}`, '/api/v1/approvals/99999999'],
      [`/api/v1/projects/${encodeURIComponent('a/app')}/secrets`, `/api/v1/projects/${encodeURIComponent('z/none')}/secrets`],
    ];
    for (const [hidden, missing] of pairs) {
      const [one, two] = await Promise.all([fetch(`${url}${hidden}`, { headers: b }), fetch(`${url}${missing}`, { headers: b })]);
      expect(one.status, hidden).toBe(404);
      expect(two.status, missing).toBe(404);
      const strip = (text: string) => text.replace(/\d+|a\/app|z\/none|a%2Fapp|z%2Fnone/g, 'X');
      expect(strip(await one.text())).toBe(strip(await two.text()));
    }
    // Their own team's things they see.
    expect((await fetch(`${url}/api/v1/runs/${seeded.otherRunId}`, { headers: b })).status).toBe(200);
    expect((await fetch(`${url}/api/v1/jobs/${seeded.otherJobId}/log.txt`, { headers: b })).status).toBe(200);
  });

  it("lists only the caller's teams' projects, runs and approvals (administrators see all)", async () => {
    const list = async (who: string, path: string) => (await (await fetch(`${url}${path}`, { headers: auth(who) })).json()) as Record<string, { name?: string; project?: string; id: number }[]>;
    expect((await list('b-maintainer', '/api/v1/projects')).projects!.map((p) => p.name)).toEqual(['b/app']);
    expect((await list('a-viewer', '/api/v1/projects')).projects!.map((p) => p.name)).toEqual(['a/app']);
    expect((await list('root', '/api/v1/projects')).projects!.map((p) => p.name)).toEqual(expect.arrayContaining(['a/app', 'b/app']));
    expect((await list('b-maintainer', '/api/v1/runs')).runs!.map((r) => r.project)).not.toContain('a/app');
    expect((await list('a-viewer', '/api/v1/runs')).runs!.map((r) => r.project)).toContain('a/app');
    expect((await list('b-maintainer', '/api/v1/approvals')).approvals!.map((a) => a.id)).not.toContain(seeded.gateId);
    expect((await list('a-viewer', '/api/v1/approvals')).approvals!.map((a) => a.id)).toContain(seeded.gateId);
  });

  it('refuses expired, revoked, forged and agent tokens with a clear 401 that names no secret', async () => {
    const dana = await createUser(h.db, { name: 'dana', admin: false, nowMs: Date.now() });
    const expiring = await issueToken(h.db, { kind: 'user', userId: dana.id, name: 'short', createdBy: 'test', nowMs: Date.now() - 10_000, expiresAtMs: Date.now() - 1 });
    const revoked = await issueToken(h.db, { kind: 'user', userId: dana.id, name: 'gone', createdBy: 'test', nowMs: Date.now() });
    const revoke = await fetch(`${url}/api/v1/tokens/${revoked.id}`, { method: 'DELETE', headers: auth('root') });
    expect(revoke.status).toBe(200);
    const agent = await issueToken(h.db, { kind: 'agent', name: 'builder', createdBy: 'test', nowMs: Date.now() });
    const cases: [string, RegExp][] = [
      [expiring.secret, /has expired/],
      [revoked.secret, /was revoked/],
      [`slp_${'x'.repeat(43)}`, /is not valid/],
      [agent.secret, /agent tokens only serve the agents' routes/],
      [testAgentToken, /not a person's API token/],
    ];
    for (const [secret, message] of cases) {
      const response = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).toMatch(message);
      expect(text).not.toContain(secret);
    }
    expect((await fetch(`${url}/api/v1/me`, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    // A stored agent token serves the agents' routes, and stops the moment it is revoked.
    const register = (secret: string) =>
      fetch(`${url}/api/v1/agents/register`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'own-token', labels: [], capacity: 1 }) });
    expect((await register(agent.secret)).status).toBe(200);
    await fetch(`${url}/api/v1/tokens/${agent.id}`, { method: 'DELETE', headers: auth('root') });
    expect((await register(agent.secret)).status).toBe(401);
  });

  it('opens a cookie session with a token; changes need its CSRF token, and signing out ends it', async () => {
    const opened = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: tokens['a-admin'] }) });
    expect(opened.status).toBe(201);
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^slipway_session=slps_[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const { csrfToken } = (await opened.json()) as { csrfToken: string };
    const session = { cookie: cookie.split(';')[0]! };
    expect(await (await fetch(`${url}/api/v1/me`, { headers: session })).json()).toMatchObject({ user: { name: 'a-admin', teams: [{ team: 'team-a', role: 'admin' }] } });
    const env = `${url}/api/v1/projects/${encodeURIComponent('a/app')}/environments/csrf`;
    const put = (headers: Record<string, string>) => fetch(env, { method: 'PUT', headers: { ...session, ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ rules: {} }) });
    const without = await put({});
    expect(without.status).toBe(403);
    expect(await without.text()).toMatch(/x-csrf-token header is missing or wrong/);
    expect((await put({ 'x-csrf-token': 'slps_wrong' })).status).toBe(403);
    expect((await fetch(env, { headers: session })).status).toBe(404);
    expect((await put({ 'x-csrf-token': csrfToken })).status).toBe(201);
    expect((await fetch(`${url}/api/v1/session`, { method: 'DELETE', headers: session })).status).toBe(204);
    expect((await fetch(`${url}/api/v1/me`, { headers: session })).status).toBe(401);
    expect((await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'slp_nope' }) })).status).toBe(401);
  });

  it('lets a team admin manage members, a person only their own tokens, and nobody else', async () => {
    const put = (who: string, user: string, role: string) =>
      fetch(`${url}/api/v1/teams/team-a/members/${user}`, { method: 'PUT', headers: { ...auth(who), 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
    await createUser(h.db, { name: 'newcomer', admin: false, nowMs: Date.now() });
    expect((await put('a-maintainer', 'newcomer', 'viewer')).status).toBe(403);
    expect((await put('b-maintainer', 'newcomer', 'viewer')).status).toBe(404);
    expect((await put('a-admin', 'newcomer', 'developer')).status).toBe(200);
    expect((await put('a-admin', 'newcomer', 'overlord')).status).toBe(400);
    const mine = await fetch(`${url}/api/v1/users/a-viewer/tokens`, { method: 'POST', headers: { ...auth('a-viewer'), 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ci', expiresIn: '30d' }) });
    expect(mine.status).toBe(201);
    const issued = ((await mine.json()) as { token: { id: number; secret: string; expiresAt: string } }).token;
    expect(issued.secret).toMatch(/^slp_/);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const listed = await (await fetch(`${url}/api/v1/users/a-viewer/tokens`, { headers: auth('a-viewer') })).text();
    expect(listed).not.toContain(issued.secret);
    expect((await fetch(`${url}/api/v1/users/a-viewer/tokens`, { headers: auth('a-developer') })).status).toBe(404);
    expect((await fetch(`${url}/api/v1/tokens/${issued.id}`, { method: 'DELETE', headers: auth('a-developer') })).status).toBe(404);
    expect((await fetch(`${url}/api/v1/tokens/${issued.id}`, { method: 'DELETE', headers: auth('a-viewer') })).status).toBe(200);
    const viewer = await getUser(h.db, 'a-viewer');
    expect(viewer.admin).toBe(false);
  });
});
