import { expect, it } from 'vitest';
import { describeEachStore } from '../../test-support/test-store.js';
import { roleInTeam, visibleTeamIds } from '../principal.js';
import { bootstrapIdentity } from './bootstrap-identity.js';
import { findProjectAccess } from './project-teams.js';
import { authenticateSession, openSession } from './sessions.js';
import { createTeam, listTeams, setTeamMember } from './teams.js';
import { authenticateAgentToken, authenticateUserToken, issueToken, listTokens, revokeToken } from './tokens.js';
import { createUser } from './users.js';

const t0 = Date.parse('2026-11-22T08:00:00Z');

describeEachStore('identity store', (harness) => {
  it('bootstraps admin, the default team and one token on the first start only, and gives old projects to default', async () => {
    await harness.db.query(`INSERT INTO projects (name) VALUES ('old/project')`);
    const first = await bootstrapIdentity(harness.db, { nowMs: t0 });
    expect(first.adminToken).toMatch(/^slp_[A-Za-z0-9_-]{43}$/);
    const again = await bootstrapIdentity(harness.db, { nowMs: t0 + 1 });
    expect(again.adminToken).toBeUndefined();
    const admin = await authenticateUserToken(harness.db, first.adminToken!, t0 + 2);
    expect(admin).toMatchObject({ ok: true, value: { user: 'admin', admin: true, teams: [{ team: 'default', role: 'admin' }] } });
    const old = await findProjectAccess(harness.db, 'project', 'old/project');
    expect(old?.teamId).toBe(admin.ok ? admin.value.teams[0]!.teamId : -1);
    // The stored form is the hash: the secret itself is nowhere in the table.
    const stored = await harness.db.query<{ secret_hash: string; prefix: string }>('SELECT secret_hash, prefix FROM api_tokens');
    expect(stored.rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.adminToken!.startsWith(stored.rows[0]!.prefix)).toBe(true);
    expect(JSON.stringify(stored.rows)).not.toContain(first.adminToken!.slice(10));
  });

  it('tells unknown, expired and revoked tokens apart, and never lets an agent token act as a person', async () => {
    const dev = await createUser(harness.db, { name: 'dana', admin: false, nowMs: t0 });
    const team = await createTeam(harness.db, { name: 'payments', nowMs: t0 });
    await setTeamMember(harness.db, { teamId: team.id, userId: dev.id, role: 'developer' });
    const token = await issueToken(harness.db, { kind: 'user', userId: dev.id, name: 'laptop', createdBy: 'admin', nowMs: t0, expiresAtMs: t0 + 60_000 });
    const ok = await authenticateUserToken(harness.db, token.secret, t0 + 1000);
    expect(ok.ok && ok.value).toMatchObject({ user: 'dana', admin: false, teams: [{ team: 'payments', role: 'developer' }] });
    if (ok.ok) {
      expect(roleInTeam(ok.value, team.id)).toBe('developer');
      expect(roleInTeam(ok.value, team.id + 1000)).toBeUndefined();
      expect(visibleTeamIds(ok.value)).toEqual([team.id]);
    }
    expect(await authenticateUserToken(harness.db, token.secret, t0 + 60_000)).toEqual({ ok: false, refusal: 'expired' });
    expect(await authenticateUserToken(harness.db, 'slp_nope', t0)).toEqual({ ok: false, refusal: 'unknown' });
    const agent = await issueToken(harness.db, { kind: 'agent', name: 'builder-1', createdBy: 'admin', nowMs: t0 });
    expect(agent.secret).toMatch(/^slpa_/);
    expect(await authenticateUserToken(harness.db, agent.secret, t0)).toEqual({ ok: false, refusal: 'unknown' });
    expect(await authenticateAgentToken(harness.db, agent.secret, t0)).toMatchObject({ ok: true, value: { name: 'builder-1' } });
    expect(await authenticateAgentToken(harness.db, token.secret, t0)).toEqual({ ok: false, refusal: 'unknown' });

    const session = await openSession(harness.db, { tokenId: token.id, nowMs: t0, ttlMs: 30_000 });
    expect((await authenticateSession(harness.db, session.secret, t0 + 1)).ok).toBe(true);
    expect(await authenticateSession(harness.db, session.secret, t0 + 30_000)).toEqual({ ok: false, refusal: 'expired' });
    const again = await openSession(harness.db, { tokenId: token.id, nowMs: t0, ttlMs: 30_000 });
    const revoked = await revokeToken(harness.db, { id: token.id, nowMs: t0 + 2 });
    expect(revoked?.revokedAt).not.toBeNull();
    expect(await authenticateUserToken(harness.db, token.secret, t0 + 3)).toEqual({ ok: false, refusal: 'revoked' });
    expect((await authenticateSession(harness.db, again.secret, t0 + 3)).ok).toBe(false);
    const listed = await listTokens(harness.db, { kind: 'user', userId: dev.id });
    expect(listed).toMatchObject([{ name: 'laptop', user: 'dana' }]);
    expect(JSON.stringify(listed)).not.toContain(token.secret);
    expect((await listTeams(harness.db)).find((t) => t.name === 'payments')?.members).toEqual([{ user: 'dana', role: 'developer' }]);
  });

  it('refuses bad names, duplicate users and a token that would be born expired', async () => {
    await expect(createUser(harness.db, { name: 'Bad Name', admin: false, nowMs: t0 })).rejects.toThrow(/user name "Bad Name" is not valid/);
    await createUser(harness.db, { name: 'sam', admin: false, nowMs: t0 });
    await expect(createUser(harness.db, { name: 'sam', admin: false, nowMs: t0 })).rejects.toMatchObject({ code: 'already_exists' });
    await expect(issueToken(harness.db, { kind: 'agent', name: 'x', createdBy: 'admin', nowMs: t0, expiresAtMs: t0 })).rejects.toThrow(/already be expired/);
  });
});
