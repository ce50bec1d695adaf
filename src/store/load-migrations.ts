import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { AppError, ErrorCode } from '../errors/app-error.js';

/** One numbered, forward-only SQL file of migrations/. */
export interface Migration {
  version: number;
  /** The part of the file name after the number, e.g. `init`. */
  name: string;
  /** e.g. `0001_init.sql` */
  file: string;
  sql: string;
  /** sha256 (hex) of the SQL with line endings normalised. */
  checksum: string;
}

/** Beside this module in src/ (vitest) and in dist/ (the build copies *.sql next to the JS). */
export const migrationsDir = new URL('./migrations/', import.meta.url);

const fileNamePattern = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function parseMigration(file: string, sql: string): Migration {
  const match = fileNamePattern.exec(file);
  if (!match) {
    throw new AppError(
      ErrorCode.internal,
      `migration file name ${JSON.stringify(file)} does not look like 0002_add_agents.sql (4 digits, _, lowercase words)`,
    );
  }
  return {
    version: Number(match[1]),
    name: match[2]!,
    file,
    sql,
    // A checkout with CRLF line endings must not look like an edited migration.
    checksum: createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex'),
  };
}

/** Reads every *.sql file of dir, ordered by version; a malformed name or a duplicate number throws. */
export async function loadMigrations(dir: URL = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const migrations = await Promise.all(
    files.map(async (file) => parseMigration(file, await readFile(new URL(file, dir), 'utf8'))),
  );
  for (let i = 1; i < migrations.length; i++) {
    const [previous, current] = [migrations[i - 1]!, migrations[i]!];
    if (previous.version === current.version) {
      throw new AppError(
        ErrorCode.internal,
        `migrations ${previous.file} and ${current.file} share the number ${current.version}: renumber one of them`,
      );
    }
  }
  return migrations;
}
