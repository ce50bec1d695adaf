import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrations, parseMigration } from './load-migrations.js';

describe('loadMigrations', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  async function dirWith(files: Record<string, string>): Promise<URL> {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-migrations-'));
    dirs.push(dir);
    await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(join(dir, name), sql)));
    return pathToFileURL(`${dir}/`);
  }

  it('numbers the shipped migrations 1, 2, 3… without gaps', async () => {
    const migrations = await loadMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]).toMatchObject({ version: 1, name: 'init', file: '0001_init.sql' });
  });

  it('orders by number and ignores files that are not .sql', async () => {
    const dir = await dirWith({ '0002_b.sql': 'SELECT 2;', '0001_a.sql': 'SELECT 1;', 'README.md': '# notes' });
    expect((await loadMigrations(dir)).map((m) => m.file)).toEqual(['0001_a.sql', '0002_b.sql']);
  });

  it('refuses two migrations with one number', async () => {
    const dir = await dirWith({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' });
    await expect(loadMigrations(dir)).rejects.toThrow(/0001_a\.sql and 0001_b\.sql share the number 1/);
  });

  it('refuses a badly named file', async () => {
    const dir = await dirWith({ '1_init.sql': 'SELECT 1;' });
    await expect(loadMigrations(dir)).rejects.toThrow(/"1_init\.sql" does not look like 0002_add_agents\.sql/);
  });
});

describe('parseMigration', () => {
  it('checksums the SQL, ignoring CRLF versus LF', () => {
    const lf = parseMigration('0007_x.sql', 'SELECT 1;\nSELECT 2;\n');
    expect(lf.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(parseMigration('0007_x.sql', 'SELECT 1;\r\nSELECT 2;\r\n').checksum).toBe(lf.checksum);
    expect(parseMigration('0007_x.sql', 'SELECT 1;\nSELECT 3;\n').checksum).not.toBe(lf.checksum);
  });
});
