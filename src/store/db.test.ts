import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { describeEachStore } from '../test-support/test-store.js';

describeEachStore('Db', (h) => {
  beforeAll(async () => {
    await h.db.exec(`
      CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text NOT NULL);
      CREATE TABLE counters (name text PRIMARY KEY, value integer NOT NULL);
      INSERT INTO counters VALUES ('hits', 0);
    `);
  });

  it('returns rows and rowCount for SELECT, INSERT, UPDATE and DDL', async () => {
    const inserted = await h.db.query<{ id: number }>("INSERT INTO notes (body) VALUES ('a'), ('b') RETURNING id");
    expect(inserted.rowCount).toBe(2);
    expect(inserted.rows.map((r) => typeof r.id)).toEqual(['number', 'number']);
    const updated = await h.db.query("UPDATE notes SET body = 'c' WHERE body = 'zzz'");
    expect(updated).toEqual({ rows: [], rowCount: 0 });
    const selected = await h.db.query<{ n: number }>('SELECT count(*) AS n FROM notes WHERE id = ANY($1::bigint[])', [
      inserted.rows.map((r) => r.id),
    ]);
    expect(selected).toEqual({ rows: [{ n: 2 }], rowCount: 1 });
    expect((await h.db.query('CREATE TEMP TABLE scratch (x int)')).rowCount).toBe(0);
  });

  it('maps parameters and values the same way on both kinds', async () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    const { rows } = await h.db.query(
      'SELECT $1::text[] AS tags, $2::jsonb AS doc, $3::timestamptz AS at, 9007199254740991::bigint AS big, $4::boolean AS yes, NULL::text AS nothing',
      [['a', 'b c'], JSON.stringify({ kind: 'user', n: 1 }), at, true],
    );
    expect(rows).toEqual([
      { tags: ['a', 'b c'], doc: { kind: 'user', n: 1 }, at, big: Number.MAX_SAFE_INTEGER, yes: true, nothing: null },
    ]);
  });

  it('commits a transaction that resolves', async () => {
    const result = await h.db.transaction(async (tx) => {
      await tx.query("INSERT INTO notes (body) VALUES ('committed')");
      return 'done';
    });
    expect(result).toBe('done');
    expect((await h.db.query("SELECT 1 FROM notes WHERE body = 'committed'")).rowCount).toBe(1);
  });

  it('rolls back a transaction that throws and rethrows the same error', async () => {
    const failure = new Error('boom');
    await expect(
      h.db.transaction(async (tx) => {
        await tx.query("INSERT INTO notes (body) VALUES ('rolled back')");
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await h.db.query("SELECT 1 FROM notes WHERE body = 'rolled back'")).rowCount).toBe(0);
  });

  it('rolls back after a failing statement and stays usable', async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await tx.query("INSERT INTO notes (body) VALUES ('before the error')");
        await tx.query('INSERT INTO notes (body) VALUES (NULL)');
      }),
    ).rejects.toMatchObject({ code: '23502' });
    expect((await h.db.query("SELECT 1 FROM notes WHERE body = 'before the error'")).rowCount).toBe(0);
    expect((await h.db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('joins a nested transaction to the outer one', async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await tx.transaction(async (inner) => {
          expect(inner).toBe(tx);
          await inner.query("INSERT INTO notes (body) VALUES ('inner')");
        });
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect((await h.db.query("SELECT 1 FROM notes WHERE body = 'inner'")).rowCount).toBe(0);
  });

  it('keeps concurrent read-modify-write transactions from losing updates', async () => {
    const increments = 12;
    await Promise.all(
      Array.from({ length: increments }, () =>
        h.db.transaction(async (tx) => {
          const { rows } = await tx.query<{ value: number }>("SELECT value FROM counters WHERE name = 'hits' FOR UPDATE");
          await tx.query("UPDATE counters SET value = $1 WHERE name = 'hits'", [rows[0]!.value + 1]);
        }),
      ),
    );
    expect((await h.db.query("SELECT value FROM counters WHERE name = 'hits'")).rows).toEqual([{ value: increments }]);
  });

  it('refuses statements on a transaction handle after the transaction ended', async () => {
    let leaked: { query: (sql: string) => Promise<unknown> } | undefined;
    await h.db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(AppError);
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/already ended/);
  });
});
