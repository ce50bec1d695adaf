import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { describeEachStore } from '../test-support/test-store.js';
import { applyMigrations } from './apply-migrations.js';
import type { Db } from './db.js';
import { loadMigrations, parseMigration } from './load-migrations.js';
import { openStore } from './open-store.js';

const first = parseMigration('0001_notes.sql', 'CREATE TABLE notes (id integer PRIMARY KEY, body text);');
const second = parseMigration('0002_tags.sql', 'CREATE TABLE tags (name text PRIMARY KEY);');
const third = parseMigration('0003_more.sql', 'ALTER TABLE notes ADD COLUMN tag text REFERENCES tags (name);');

async function history(db: Db) {
  return (await db.query('SELECT version, name, checksum, applied_at AS "appliedAt" FROM schema_migrations ORDER BY version'))
    .rows;
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]!.found;
}

describeEachStore('applyMigrations', (h) => {
  it('has applied every migration of migrations/ in order, recording name and checksum', async () => {
    const files = await loadMigrations();
    expect(h.store.migrations.applied.map((m) => m.file)).toEqual(files.map((m) => m.file));
    expect(h.store.migrations.version).toBe(files.at(-1)!.version);
    const recorded = await history(h.db);
    expect(recorded.map(({ version, name, checksum }) => ({ version, name, checksum }))).toEqual(
      files.map(({ version, name, checksum }) => ({ version, name, checksum })),
    );
    expect(recorded.every((row) => row.appliedAt instanceof Date)).toBe(true);
    for (const table of ['projects', 'runs', 'jobs', 'steps']) expect(await tableExists(h.db, table)).toBe(true);
  });

  it('does nothing when applied again', async () => {
    const before = await history(h.db);
    const report = await applyMigrations(h.db, await loadMigrations());
    expect(report.applied).toEqual([]);
    expect(report.version).toBe(h.store.migrations.version);
    expect(await history(h.db)).toEqual(before);
  });

  it('applies only the new migrations of a later build', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    expect(await applyMigrations(db, [first])).toMatchObject({ applied: [first], version: 1 });
    const report = await applyMigrations(db, [first, second, third]);
    expect(report.applied.map((m) => m.version)).toEqual([2, 3]);
    expect(report.version).toBe(3);
    expect((await history(db)).map((row) => row.version)).toEqual([1, 2, 3]);
  });

  it('refuses a migration edited after it was applied, naming the file', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    await applyMigrations(db, [first, second]);
    const edited = parseMigration(second.file, `${second.sql}\nCREATE INDEX ON tags (name);`);
    const attempt = applyMigrations(db, [first, edited, third]);
    await expect(attempt).rejects.toThrow(AppError);
    await expect(attempt).rejects.toMatchObject({ code: 'failed_precondition', message: expect.stringContaining('0002_tags.sql') });
    expect((await history(db)).map((row) => row.version)).toEqual([1, 2]);
  });

  it('treats CRLF line endings as the same migration', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    const unix = parseMigration('0001_lines.sql', 'CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n');
    await applyMigrations(db, [unix]);
    const windows = parseMigration('0001_lines.sql', unix.sql.replace(/\n/g, '\r\n'));
    expect(await applyMigrations(db, [windows])).toEqual({ applied: [], version: 1 });
  });

  it('refuses a database newer than the code', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    await applyMigrations(db, [first, second]);
    await expect(applyMigrations(db, [first])).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringMatching(/schema version 2 .* up to 1: upgrade slipway/),
    });
  });

  it('refuses a new migration numbered below the newest applied one', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    const fourth = parseMigration('0004_later.sql', 'SELECT 1;');
    await applyMigrations(db, [first, second, fourth]);
    const intruder = parseMigration('0003_merged_late.sql', 'CREATE TABLE late (x int);');
    await expect(applyMigrations(db, [first, second, intruder, fourth])).rejects.toThrow(
      /0003_merged_late\.sql is not applied but the database is already at version 4/,
    );
    expect(await tableExists(db, 'late')).toBe(false);
  });

  it('rolls back a failing migration entirely and names it', async () => {
    const db = await (await h.createEmptyDatabase()).connect();
    const broken = parseMigration('0002_broken.sql', 'CREATE TABLE half (x int);\nCREATE TABLE notes (dup int);');
    await expect(applyMigrations(db, [first, broken])).rejects.toThrow(/migration 0002_broken\.sql failed: .*notes/);
    expect(await tableExists(db, 'half')).toBe(false);
    expect((await history(db)).map((row) => row.version)).toEqual([1]);
  });

  it('applies each migration exactly once when several processes migrate at the same time', async () => {
    const target = await h.createEmptyDatabase();
    const connections = await Promise.all([target.connect(), target.connect(), target.connect()]);
    // Not idempotent on purpose: a second run of 0002 would add a second row.
    const counted = [
      first,
      parseMigration('0002_count.sql', 'CREATE TABLE runs_of_0002 (at timestamptz); INSERT INTO runs_of_0002 VALUES (now());'),
      parseMigration('0003_slow.sql', 'SELECT pg_sleep(0.05); CREATE TABLE slow (x int);'),
    ];
    const reports = await Promise.all(connections.flatMap((db) => [applyMigrations(db, counted), applyMigrations(db, counted)]));
    expect(reports.flatMap((r) => r.applied.map((m) => m.version)).sort()).toEqual([1, 2, 3]);
    expect(reports.every((r) => r.version === 3)).toBe(true);
    expect((await connections[0]!.query('SELECT count(*) AS n FROM runs_of_0002')).rows).toEqual([{ n: 1 }]);
  });

  if (h.kind === 'postgres') {
    describe('openStore', () => {
      it('succeeds for two servers starting at once on one empty schema', async () => {
        const target = await h.createEmptyDatabase();
        const stores = await Promise.all([openStore(target.openStoreOptions), openStore(target.openStoreOptions)]);
        onTestFinished(() => Promise.all(stores.map((s) => s.close())).then(() => undefined));
        const files = await loadMigrations();
        expect(stores.flatMap((s) => s.migrations.applied.map((m) => m.file)).sort()).toEqual(files.map((m) => m.file));
        expect((await history(stores[0]!.db)).map((row) => row.version)).toEqual(files.map((m) => m.version));
      });
    });
  }
});
