import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiAuditEntry } from '../cli/audit-api-client.js';
import { systemClock } from '../clock/clock.js';
import { openGate } from '../deploy/approvals/index.js';
import { ensureProject } from '../store/index.js';
import { describePglite } from '../test-support/test-store.js';
import { runCliInProcess as cli } from './test-support/run-cli-in-process.js';
import { createTestPeople, type PersonHeaders } from './test-support/sign-in-as-admin.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';

const projectName = 'acme/audited';
const token = (headers: PersonHeaders) => headers.authorization!.replace('Bearer ', '');
const pipeline = ['name: audited', 'stages:', '  - name: build', '    runs-on: [nobody-runs-this]', '    steps:', '      - { run: "true" }'].join('\n');

describePglite('audit log end to end', (harness) => {
  let platform: TestPlatform | undefined;
  let url: string;
  let people: Record<'alice' | 'mia' | 'bob', PersonHeaders>;

  beforeAll(async () => {
    platform = await startTestPlatform(harness.db);
    url = platform.url;
    people = await createTestPeople(harness.db, { alice: 'developer', mia: 'maintainer', bob: 'maintainer' });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('records trigger, cancel, environment and approval actions with their actors; verify catches a tampered row', async () => {
    const triggered = await fetch(`${url}/api/v1/runs`, {
      method: 'POST',
      headers: people.alice,
      body: JSON.stringify({ project: projectName, ref: 'main', pipeline }),
    });
    expect(triggered.status).toBe(201);
    const { runId } = (await triggered.json()) as { runId: number };
    expect((await cli('cancel', String(runId), '--server', url)).code).toBe(0);
    expect(await cli('env', 'set', projectName, 'prod', '--approvals', '1', '--token', token(people.mia), '--server', url)).toMatchObject({ code: 0 });
    const project = await ensureProject(harness.db, { name: projectName });
    const gate = await openGate(harness.db, systemClock, {
      projectId: project.id,
      environment: 'prod',
      change: { author: 'alice', branch: 'main', linesChanged: 1, filesChanged: 1, paths: ['a.ts'] },
    });
    expect(await cli('approve', String(gate.request.id), '--comment', 'lgtm', '--token', token(people.bob), '--server', url)).toMatchObject({ code: 0 });

    const listed = await cli('audit', 'list', '--project', projectName, '--json', '--server', url);
    expect(listed.code).toBe(0);
    const entries = listed.out.trim().split('\n').map((line) => JSON.parse(line) as ApiAuditEntry);
    // The first run of a new project creates it in the team of the person who started it.
    expect(entries.map((e) => [e.actor, e.role, e.action, `${e.subject.type} ${e.subject.id}`])).toEqual([
      ['alice', 'developer', 'project.create', `project ${projectName}`],
      ['alice', 'developer', 'run.trigger', `run ${runId}`],
      ['admin', 'admin', 'run.cancel', `run ${runId}`],
      ['mia', 'maintainer', 'environment.put', 'environment prod'],
      ['bob', 'maintainer', 'approval.approve', `approval ${gate.request.id}`],
    ]);
    expect(entries[3]).toMatchObject({ before: null, after: { version: 1, rules: { requiredApprovals: { count: 1 } } } });
    expect(entries[4]!.after).toMatchObject({ status: 'approved', environment: 'prod', comment: 'lgtm' });

    const table = await cli('audit', 'list', '--actor', 'mia', '--since', '1h', '--server', url);
    expect(table.out).toMatch(/SEQ\s+AT\s+ACTOR\s+ROLE\s+ACTION\s+SUBJECT\s+PROJECT\n4\s+\S+\s+mia\s+maintainer\s+environment\.put\s+environment prod\s+acme\/audited\n$/);
    expect((await cli('audit', 'list', '--action', 'deployment.rollback', '--server', url)).out).toBe('no audit entries match\n');
    expect(await cli('audit', 'list', '--since', 'yesterday', '--server', url)).toMatchObject({ code: 1, err: expect.stringMatching(/expected a duration back from now/) });
    expect((await fetch(`${url}/api/v1/audit?limit=0`)).status).toBe(400);

    expect(await cli('audit', 'verify', '--server', url)).toEqual({ code: 0, out: 'audit log intact: 5 entries verified\n', err: '' });
    await harness.db.exec("ALTER TABLE audit_entries DISABLE TRIGGER USER; UPDATE audit_entries SET actor = 'mallory' WHERE seq = 4; ALTER TABLE audit_entries ENABLE TRIGGER USER;");
    const verified = await cli('audit', 'verify', '--server', url);
    expect(verified).toMatchObject({ code: 1, out: 'audit log tampered: entry 4 edited — entry 4 (environment.put by mallory) does not match its hash: a field was changed after it was written\n' });
    const report = (await (await fetch(`${url}/api/v1/audit/verify`)).json()) as unknown;
    expect(report).toMatchObject({ ok: false, entries: 4, firstBad: { seq: 4, reason: 'edited' } });
  });
});
