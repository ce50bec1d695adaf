import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { registerSecretRoutes } from '../api/secret-routes.js';
import { registerAccessControl } from '../api/auth/register-access-control.js';
import { createTestPeople } from '../api/test-support/sign-in-as-admin.js';
import { createManualClock, systemClock } from '../clock/clock.js';
import { createSecretCrypto } from '../secrets/index.js';
import { type Db, loadMigrations } from '../store/index.js';
import { describeEachStore, type StoreHarness } from '../test-support/test-store.js';
import { appendAuditEntry, type AuditEntryInput, listAuditEntries, verifyStoredAuditChain } from './index.js';

const entry = (overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  actor: 'mia',
  role: 'maintainer',
  action: 'environment.put',
  subject: { type: 'environment', id: 'staging' },
  project: 'acme/web',
  ...overrides,
});

/** A database holding only the audit tables, so each tampering test has a chain of its own. */
async function freshChain(harness: StoreHarness, length: number): Promise<Db> {
  const db = await (await harness.createEmptyDatabase()).connect();
  const audit = (await loadMigrations()).find((m) => m.file === '0014_audit.sql');
  await db.exec(audit!.sql);
  for (let i = 1; i <= length; i++) await appendAuditEntry(db, entry({ actor: `actor${i}`, after: { version: i } }));
  return db;
}

/** Tampering needs the append-only trigger out of the way, as an attacker with the table's owner role could. */
async function tamper(db: Db, sql: string): Promise<void> {
  await db.exec(`ALTER TABLE audit_entries DISABLE TRIGGER USER; ${sql}; ALTER TABLE audit_entries ENABLE TRIGGER USER;`);
}

describeEachStore('audit log', (harness) => {
  it('appends entries with actor, time, subject and redacted before/after, and lists them by filter', async () => {
    const clock = createManualClock(Date.parse('2026-03-01T10:00:00.123Z'));
    const first = await appendAuditEntry(harness.db, entry({ before: null, after: { rules: { waitTimerSeconds: 60 }, token: 'tkn-1' } }), { clock });
    clock.advance(60_000);
    await appendAuditEntry(harness.db, entry({ actor: 'bob', action: 'approval.approve', subject: { type: 'approval', id: '7' }, after: { status: 'approved' } }), { clock });
    clock.advance(60_000);
    await appendAuditEntry(harness.db, entry({ actor: 'anonymous', role: '', action: 'run.trigger', subject: { type: 'run', id: '1' }, project: 'acme/api' }), { clock });

    expect(first).toMatchObject({ seq: 1, at: new Date('2026-03-01T10:00:00.123Z'), after: { rules: { waitTimerSeconds: 60 } } });
    const all = await listAuditEntries(harness.db);
    expect(all.map((e) => [e.seq, e.actor, e.action])).toEqual([[1, 'mia', 'environment.put'], [2, 'bob', 'approval.approve'], [3, 'anonymous', 'run.trigger']]);
    expect(all[0]).toEqual(first);
    expect(all[1]!.prevHash).toBe(all[0]!.hash);
    expect(JSON.stringify(all)).not.toContain('tkn-1');

    const seqs = async (options: Parameters<typeof listAuditEntries>[1]) => (await listAuditEntries(harness.db, options)).map((e) => e.seq);
    expect(await seqs({ project: 'acme/web' })).toEqual([1, 2]);
    expect(await seqs({ actor: 'bob' })).toEqual([2]);
    expect(await seqs({ action: 'run.trigger' })).toEqual([3]);
    expect(await seqs({ subjectType: 'approval', subjectId: '7' })).toEqual([2]);
    expect(await seqs({ since: new Date('2026-03-01T10:01:00.123Z') })).toEqual([2, 3]);
    expect(await seqs({ until: new Date('2026-03-01T10:01:00.123Z') })).toEqual([1]);
    expect(await seqs({ afterSeq: 1, limit: 1 })).toEqual([2]);
    expect(await verifyStoredAuditChain(harness.db)).toEqual({ ok: true, entries: 3 });
  });

  it('keeps one linear, gap-free chain under concurrent appends, including ones whose transaction rolls back', async () => {
    const before = (await listAuditEntries(harness.db, { limit: 1000 })).length;
    const appends = Array.from({ length: 30 }, (_, i) => appendAuditEntry(harness.db, entry({ actor: `caller${i}` })));
    // A change that fails after appending takes its entry with it, and the seq it held is reused.
    const failed = harness.db
      .transaction(async (tx) => {
        await appendAuditEntry(tx, entry({ actor: 'rolled-back' }));
        throw new Error('the change failed');
      })
      .catch((error: Error) => error.message);
    const [results, failure] = await Promise.all([Promise.all(appends), failed]);
    expect(failure).toBe('the change failed');
    expect(results.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => before + i + 1));
    const stored = await listAuditEntries(harness.db, { afterSeq: before, limit: 1000 });
    expect(stored.map((e) => e.actor)).not.toContain('rolled-back');
    expect(await verifyStoredAuditChain(harness.db, { pageSize: 7 })).toEqual({ ok: true, entries: before + 30 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    await appendAuditEntry(harness.db, entry());
    await expect(harness.db.query("UPDATE audit_entries SET actor = 'x' WHERE seq = 1")).rejects.toThrow(/append-only: UPDATE/);
    await expect(harness.db.query('DELETE FROM audit_entries WHERE seq = 1')).rejects.toThrow(/append-only: DELETE/);
    await expect(harness.db.exec('TRUNCATE audit_entries')).rejects.toThrow(/append-only: TRUNCATE/);
  });

  it('names an entry whose after was updated as edited', async () => {
    const db = await freshChain(harness, 5);
    expect(await verifyStoredAuditChain(db)).toEqual({ ok: true, entries: 5 });
    await tamper(db, `UPDATE audit_entries SET after = '{"version": 99}' WHERE seq = 3`);
    expect(await verifyStoredAuditChain(db, { pageSize: 2 })).toMatchObject({ ok: false, entries: 3, firstBad: { seq: 3, reason: 'edited' } });
  });

  it('names a row deleted in the middle, or from the end, as deleted', async () => {
    const db = await freshChain(harness, 5);
    await tamper(db, 'DELETE FROM audit_entries WHERE seq = 5');
    expect((await verifyStoredAuditChain(db)).firstBad).toMatchObject({ seq: 5, reason: 'deleted' });
    await tamper(db, 'DELETE FROM audit_entries WHERE seq = 2');
    expect((await verifyStoredAuditChain(db)).firstBad).toMatchObject({ seq: 2, reason: 'deleted', message: 'entry 2 is missing: the log goes from 1 to 3' });
  });

  it('names the first of two rows whose seqs were swapped as reordered', async () => {
    const db = await freshChain(harness, 5);
    // Through a free seq: the primary key is checked row by row.
    await tamper(db, 'UPDATE audit_entries SET seq = 1000 WHERE seq = 2; UPDATE audit_entries SET seq = 2 WHERE seq = 4; UPDATE audit_entries SET seq = 4 WHERE seq = 1000');
    expect((await verifyStoredAuditChain(db)).firstBad).toMatchObject({ seq: 2, reason: 'reordered', message: 'entry 2 was written as entry 4: rows were renumbered or swapped' });
  });

  it('never stores a secret value: set and delete through the API leave only name and scope', async () => {
    const app = Fastify();
    registerAccessControl(app, { db: harness.db, clock: systemClock });
    registerSecretRoutes(app, { db: harness.db, crypto: createSecretCrypto({ key: randomBytes(32) }) });
    const value = `v4lue-${randomBytes(8).toString('hex')}`;
    const people = await createTestPeople(harness.db, { mia: 'maintainer', sam: 'maintainer' });
    const url = `/api/v1/projects/${encodeURIComponent('acme/vault')}/secrets/DEPLOY_TOKEN`;
    expect((await app.inject({ method: 'PUT', url, headers: people.mia, payload: { value, environment: 'production' } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'PUT', url, headers: people.sam, payload: { value } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'DELETE', url: `${url}?environment=production`, headers: { authorization: people.mia.authorization! } })).statusCode).toBe(204);
    await app.close();

    const { rows } = await harness.db.query<{ text: string }>('SELECT coalesce(string_agg(t::text, E\'\\n\'), \'\') AS text FROM audit_entries t');
    expect(rows[0]!.text).not.toContain(value);
    expect(rows[0]!.text).not.toContain(Buffer.from(value).toString('base64'));
    const entries = await listAuditEntries(harness.db, { project: 'acme/vault' });
    expect(entries.map((e) => [e.actor, e.action, e.subject.id, e.before, e.after])).toEqual([
      ['mia', 'project.create', 'acme/vault', null, { name: 'acme/vault', teamId: expect.any(Number) }],
      ['mia', 'secret.set', 'production/DEPLOY_TOKEN', null, { name: 'DEPLOY_TOKEN', environment: 'production' }],
      ['sam', 'secret.set', 'DEPLOY_TOKEN', null, { name: 'DEPLOY_TOKEN', environment: null }],
      ['mia', 'secret.delete', 'production/DEPLOY_TOKEN', { name: 'DEPLOY_TOKEN', environment: 'production' }, null],
    ]);
  });
});
