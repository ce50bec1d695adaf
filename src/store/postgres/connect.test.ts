import { expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../errors/app-error.js';
import { describePostgres, testDatabaseUrl } from '../../test-support/test-store.js';
import { connectPostgres } from './connect.js';

describePostgres('PostgreSQL Db', (h) => {
  it('puts every pooled connection in the schema, keeping options already in the URL', async () => {
    const { openStoreOptions } = await h.createEmptyDatabase();
    const url = new URL(openStoreOptions!.databaseUrl!);
    url.searchParams.set('options', '-c statement_timeout=4321');
    const db = await connectPostgres({ databaseUrl: url.toString(), schema: openStoreOptions!.schema, maxConnections: 3 });
    onTestFinished(() => db.close());
    // Three statements that overlap in time need three connections.
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        db.query("SELECT current_schema() AS schema, current_setting('statement_timeout') AS timeout, pg_backend_pid() AS pid, pg_sleep(0.1)"),
      ),
    );
    expect(new Set(results.map((r) => r.rows[0]!.pid)).size).toBe(3);
    for (const r of results) expect(r.rows[0]).toMatchObject({ schema: openStoreOptions!.schema, timeout: '4321ms' });
  });

  it('names the database when it does not exist', async () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = '/slipway_no_such_database';
    const attempt = connectPostgres({ databaseUrl: url.toString() });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/has no database "slipway_no_such_database" — create it/),
    });
  });

  it('reports a lost connection as unavailable', async () => {
    const db = await connectPostgres({ databaseUrl: testDatabaseUrl, maxConnections: 1 });
    onTestFinished(() => db.close());
    const attempt = db.transaction(async (tx) => {
      await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(attempt).rejects.toMatchObject({ code: 'unavailable' });
    // The pool replaced the dead connection.
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(connectPostgres({ databaseUrl: testDatabaseUrl, schema: 'Robert"; DROP' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
