import { expect, it } from 'vitest';
import { describeEachStore } from './test-store.js';

describeEachStore('test store harness', (h) => {
  it('gives the file a migrated store of the requested kind', async () => {
    expect(h.db.kind).toBe(h.kind);
    expect((await h.db.query('SELECT 1 FROM schema_migrations')).rowCount).toBeGreaterThan(0);
    if (h.kind === 'postgres') {
      const { rows } = await h.db.query<{ schema: string }>('SELECT current_schema() AS schema');
      expect(rows[0]!.schema).toMatch(/^t_[0-9a-z]+_[0-9a-f]{10}$/);
    }
  });

  it('keeps empty databases apart from each other and from the store', async () => {
    const [one, two] = [await (await h.createEmptyDatabase()).connect(), await (await h.createEmptyDatabase()).connect()];
    await one.exec("CREATE TABLE marker (x text); INSERT INTO marker VALUES ('one')");
    await expect(two.query('SELECT * FROM marker')).rejects.toMatchObject({ code: '42P01' });
    await expect(h.db.query('SELECT * FROM marker')).rejects.toMatchObject({ code: '42P01' });
    await expect(one.query('SELECT * FROM schema_migrations')).rejects.toMatchObject({ code: '42P01' });
    expect((await one.query('SELECT x FROM marker')).rows).toEqual([{ x: 'one' }]);
  });
});
