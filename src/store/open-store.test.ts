import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { loadMigrations } from './load-migrations.js';
import { openStore } from './open-store.js';

describe('openStore', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it(
    'keeps a PGlite data dir across close and reopen, creating its parents, migrating only once',
    { timeout: 120_000 },
    async () => {
      const root = await mkdtemp(join(tmpdir(), 'slipway-store-'));
      dirs.push(root);
      const dataDir = join(root, 'nested', 'state', 'db');
      const files = await loadMigrations();

      const first = await openStore({ dataDir });
      expect(first.db.kind).toBe('pglite');
      expect(first.migrations.applied.map((m) => m.file)).toEqual(files.map((m) => m.file));
      await first.db.query("INSERT INTO projects (name) VALUES ('persisted')");
      await first.close();

      const second = await openStore({ dataDir });
      try {
        expect(second.migrations).toEqual({ applied: [], version: files.at(-1)!.version });
        expect((await second.db.query('SELECT name FROM projects')).rows).toEqual([{ name: 'persisted' }]);
      } finally {
        await second.close();
      }
    },
  );

  it('says where PostgreSQL could not be reached, without the password', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const attempt = openStore({ databaseUrl: 'postgres://slipway:hunter2-secret@127.0.0.1:1/slipway' });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    const error = (await attempt.catch((err: unknown) => err)) as AppError;
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED — is it running\? set DATABASE_URL/);
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).toBeDefined();
  });

  it('refuses a database URL that is not a URL, without echoing it', async () => {
    const attempt = openStore({ databaseUrl: 'slipway:hunter2-secret@nowhere' });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});
