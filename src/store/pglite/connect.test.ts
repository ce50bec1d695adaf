import { expect, it } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import { describePglite } from '../../test-support/test-store.js';

describePglite('PGlite Db', (h) => {
  it('never interleaves concurrent transactions on its one connection', async () => {
    await h.db.exec('CREATE TABLE events (seq integer GENERATED ALWAYS AS IDENTITY, tx text, what text)');
    const transactionOf = (name: string) =>
      h.db.transaction(async (tx) => {
        await tx.query("INSERT INTO events (tx, what) VALUES ($1, 'begin')", [name]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.query("INSERT INTO events (tx, what) VALUES ($1, 'end')", [name]);
      });
    await Promise.all([
      transactionOf('a'),
      transactionOf('b'),
      h.db.query("INSERT INTO events (tx, what) VALUES ('plain', 'single')"),
      transactionOf('c'),
    ]);
    const { rows } = await h.db.query<{ tx: string }>('SELECT tx FROM events ORDER BY seq');
    const order = rows.map((r) => r.tx);
    // Each transaction's two rows are adjacent: nothing ran between its BEGIN and COMMIT.
    expect(order).toEqual(['a', 'a', 'b', 'b', 'plain', 'c', 'c']);
  });

  it('fails, instead of waiting forever, when the store is used inside its own transaction', async () => {
    const outcome = h.db.transaction(async () => {
      await h.db.query('SELECT 1');
    });
    await expect(outcome).rejects.toBeInstanceOf(AppError);
    await expect(outcome).rejects.toThrow(/use the tx handle/);
    expect((await h.db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('allows the store again once a transaction has ended, even from a callback it started', async () => {
    let later: Promise<unknown> | undefined;
    await h.db.transaction(async () => {
      later = new Promise((resolve) => setTimeout(resolve, 10)).then(() => h.db.query('SELECT 2 AS two'));
    });
    await expect(later).resolves.toMatchObject({ rows: [{ two: 2 }] });
  });

  it('stores a Buffer parameter as bytea byte for byte (sent binary) and still takes hex text', async () => {
    await h.db.exec('CREATE TABLE blobs (id integer PRIMARY KEY, data bytea NOT NULL)');
    const every = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
    await h.db.query('INSERT INTO blobs (id, data) VALUES (1, $1), (2, $2)', [every, '\\x00ff']);
    const { rows } = await h.db.query<{ id: number; data: string }>("SELECT id, encode(data, 'hex') AS data FROM blobs ORDER BY id");
    expect(rows).toEqual([
      { id: 1, data: every.toString('hex') },
      { id: 2, data: '00ff' },
    ]);
  });
});
