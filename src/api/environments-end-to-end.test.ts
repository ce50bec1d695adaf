import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { openGate } from '../deploy/approvals/index.js';
import { ensureProject, type Project } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { runCliInProcess as cli } from './test-support/run-cli-in-process.js';
import { createTestUser } from './test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';

const projectName = 'acme/gated';
const anonymous = { authorization: '' };

describePglite('environments and approvals end to end', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let project: Project;
  /** API tokens of people in the team owning the project, by name. */
  const tokens: Record<string, string> = {};
  const bearer = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });
  const as = (name: string) => ['--token', tokens[name]!];
  const envUrl = (name = '') => `${url}/api/v1/projects/${encodeURIComponent(projectName)}/environments${name ? `/${name}` : ''}`;

  beforeAll(async () => {
    platform = await startTestPlatform(harness.db);
    url = platform.url;
    project = await ensureProject(harness.db, { name: projectName });
    for (const [name, role] of [['mia', 'maintainer'], ['alice', 'maintainer'], ['bob', 'maintainer'], ['carl', 'maintainer'], ['dan', 'developer']] as const) {
      tokens[name] = await createTestUser(harness.db, name, role);
    }
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('manages environments over the API, for maintainers only, with clear errors', async () => {
    const put = (name: string, body: unknown, headers: Record<string, string> = bearer('mia')) =>
      fetch(envUrl(name), { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await put('staging', { rules: { waitTimerSeconds: 60 } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ environment: { project: projectName, name: 'staging', version: 1, createdBy: 'mia', rules: { waitTimerSeconds: 60 } } });
    expect((await put('staging', { rules: {}, expectedVersion: 1 })).status).toBe(200);

    const stale = await put('staging', { rules: {}, expectedVersion: 1 });
    expect(stale.status).toBe(409);
    const unsigned = await put('staging', { rules: {} }, anonymous);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { message: string } }).error.message).toMatch(/sign in first: send `Authorization: Bearer <API token>`/);
    const developer = await put('staging', { rules: {} }, bearer('dan'));
    expect(developer.status).toBe(403);
    expect(((await developer.json()) as { error: { message: string } }).error.message).toMatch(/maintainer or above in the team owning acme\/gated is needed .*; you are developer/);
    const badRules = await put('staging', { rules: { requiredApprovals: { count: 'two' } } });
    expect(badRules.status).toBe(400);
    expect(((await badRules.json()) as { error: { message: string } }).error.message).toMatch(/requiredApprovals.count/);
    expect((await fetch(`${url}/api/v1/projects/nope/environments/staging`)).status).toBe(404);
    expect((await fetch(envUrl('nowhere'))).status).toBe(404);

    const listed = (await (await fetch(envUrl())).json()) as { environments: { name: string; version: number }[] };
    expect(listed.environments).toEqual([expect.objectContaining({ name: 'staging', version: 2 })]);
    expect((await fetch(envUrl('staging'), { method: 'DELETE', headers: anonymous })).status).toBe(401);
    expect((await fetch(envUrl('staging'), { method: 'DELETE', headers: bearer('mia') })).status).toBe(204);
    expect((await fetch(envUrl('staging'), { method: 'DELETE', headers: bearer('mia') })).status).toBe(404);
  });

  it('sets, shows, lists and deletes environments with the CLI', async () => {
    const set = await cli(
      'env', 'set', projectName, 'production', '--approvals', '2', '--approver-role', 'maintainer,admin', '--branches', 'main,release/*',
      '--wait', '10m', '--freeze', 'cron=0 18 * * 5;duration=60h;reason=weekend', '--auto-approve-max-risk', '30', ...as('mia'), '--server', url,
    );
    expect(set).toMatchObject({ code: 0, err: '' });
    expect(set.out).toContain('created environment production of acme/gated (version 1)');
    expect(set.out).toContain("freeze: cron '0 18 * * 5' (UTC) for 216000s: weekend");
    const show = await cli('env', 'show', projectName, 'production', '--server', url);
    expect(show.out).toContain('2 approvals (maintainer/admin), branches main,release/*, wait 600s, 1 freeze window, auto-approve risk ≤ 30');
    const list = await cli('env', 'list', projectName, '--server', url);
    expect(list.out).toMatch(/production\s+2 approvals/);

    const forged = await cli('env', 'set', projectName, 'dev', '--token', 'slp_forged', '--server', url);
    expect(forged).toMatchObject({ code: 1, err: expect.stringMatching(/the API token is not valid/) });
    const badFreeze = await cli('env', 'set', projectName, 'dev', '--freeze', 'cron=nope;duration=1h;reason=x', ...as('mia'), '--server', url);
    expect(badFreeze).toMatchObject({ code: 1, err: expect.stringMatching(/freezeWindows.0.cron: must be a cron expression/) });
    expect(await cli('env', 'set', projectName, 'dev', ...as('mia'), '--server', url)).toMatchObject({ code: 0 });
    expect(await cli('env', 'delete', projectName, 'dev', ...as('mia'), '--server', url)).toMatchObject({ code: 0, out: 'deleted environment dev of acme/gated\n' });
    expect(await cli('env', 'show', projectName, 'dev', '--server', url)).toMatchObject({ code: 1, err: expect.stringMatching(/has no environment dev/) });
  });

  it('lists pending gates and records approvals and rejections, refusing the author and non-approvers', async () => {
    await cli('env', 'set', projectName, 'prod', '--approvals', '2', ...as('mia'), '--server', url);
    const change = { author: 'alice', branch: 'main', linesChanged: 10, filesChanged: 1, paths: ['src/a.ts'] };
    const first = await openGate(harness.db, systemClock, { projectId: project.id, environment: 'prod', change });
    const second = await openGate(harness.db, systemClock, { projectId: project.id, environment: 'prod', change });

    const pending = await cli('approvals', '--pending', '--server', url);
    expect(pending.code).toBe(0);
    expect(pending.out).toMatch(new RegExp(`${first.request.id}\\s+pending\\s+prod\\s+alice@main\\s+0/2`));
    expect(pending.out).toContain('needs 2 approvals from maintainer, has 0');

    const byAuthor = await cli('approve', String(first.request.id), ...as('alice'), '--server', url);
    expect(byAuthor).toMatchObject({ code: 1, err: expect.stringMatching(/alice is the author of the change .* cannot approve or reject their own deployment/) });
    const byDeveloper = await cli('approve', String(first.request.id), ...as('dan'), '--server', url);
    expect(byDeveloper).toMatchObject({ code: 1, err: expect.stringMatching(/dan has role developer, which may not decide/) });
    const unsigned = await fetch(`${url}/api/v1/approvals/${first.request.id}/approve`, { method: 'POST', headers: { ...anonymous, 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);

    const once = await cli('approve', String(first.request.id), '--comment', 'lgtm', ...as('bob'), '--server', url);
    expect(once).toMatchObject({ code: 0, out: expect.stringContaining(`approved approval request ${first.request.id}: it is now pending`) });
    const twice = await cli('approve', String(first.request.id), ...as('bob'), '--server', url);
    expect(twice).toMatchObject({ code: 1, err: expect.stringMatching(/bob already approved/) });
    const done = await cli('approve', String(first.request.id), ...as('carl'), '--server', url);
    expect(done.out).toContain('it is now approved');

    expect(await cli('reject', String(second.request.id), ...as('bob'), '--server', url)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/needs --comment/),
    });
    const rejected = await cli('reject', String(second.request.id), '--comment', 'wait for the fix', ...as('bob'), '--server', url);
    expect(rejected.out).toContain('it is now rejected');
    expect(await cli('approve', '987654', ...as('bob'), '--server', url)).toMatchObject({ code: 1, err: expect.stringMatching(/no approval 987654 in the projects you can see/) });

    const shown = (await (await fetch(`${url}/api/v1/approvals/${first.request.id}`)).json()) as { approval: { status: string; decisions: { actor: string; comment: string }[] } };
    expect(shown.approval.status).toBe('approved');
    expect(shown.approval.decisions.map((d) => [d.actor, d.comment])).toEqual([['bob', 'lgtm'], ['carl', '']]);
    const all = (await (await fetch(`${url}/api/v1/approvals?project=${encodeURIComponent(projectName)}`)).json()) as { approvals: { id: number; status: string }[] };
    expect(all.approvals.map((a) => [a.id, a.status])).toEqual([[second.request.id, 'rejected'], [first.request.id, 'approved']]);
    expect(await cli('approvals', '--pending', '--server', url)).toMatchObject({ code: 0, out: 'no pending approval requests\n' });
    expect((await fetch(`${url}/api/v1/approvals?status=maybe`)).status).toBe(400);
  });
});
