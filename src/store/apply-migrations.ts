import { AppError, ErrorCode } from '../errors/app-error.js';
import type { Db } from './db.js';
import type { Migration } from './load-migrations.js';

export interface MigrationReport {
  /** Migrations this call applied, in order; empty when the database was up to date. */
  applied: Migration[];
  /** The schema version afterwards: the highest applied migration, 0 for none. */
  version: number;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Brings the database up to the last of `migrations`, one migration per transaction. Several processes
 * may call this at once: each transaction takes the same advisory lock and re-reads the history, so
 * every migration runs exactly once. Migration files must not contain BEGIN/COMMIT.
 */
export async function applyMigrations(db: Db, migrations: readonly Migration[]): Promise<MigrationReport> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const applied: Migration[] = [];
  for (;;) {
    const step = await db.transaction(async (tx) => {
      // Keyed by schema: databases in other schemas (test files, tenants) do not wait for each other.
      await tx.query(
        "SELECT pg_advisory_xact_lock(hashtext('slipway.schema_migrations'), hashtext(coalesce(current_schema(), '')))",
      );
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const history = (await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version'))
        .rows;
      checkHistory(history, ordered);
      const next = ordered.find((m) => !history.some((row) => row.version === m.version));
      if (!next) return { done: true as const, version: history.at(-1)?.version ?? 0 };
      try {
        await tx.exec(next.sql);
      } catch (err) {
        throw new AppError(
          ErrorCode.internal,
          `migration ${next.file} failed: ${err instanceof Error ? err.message : String(err)} — nothing of it was applied`,
          { cause: err },
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        next.version,
        next.name,
        next.checksum,
      ]);
      return { done: false as const, next };
    });
    if (step.done) return { applied, version: step.version };
    applied.push(step.next);
  }
}

/** Refuses a history this code cannot safely build on. */
function checkHistory(history: readonly AppliedRow[], migrations: readonly Migration[]): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  const newestKnown = migrations.at(-1)?.version ?? 0;
  const newestApplied = history.at(-1)?.version ?? 0;
  if (newestApplied > newestKnown) {
    throw new AppError(
      ErrorCode.failedPrecondition,
      `the database is at schema version ${newestApplied} but this build of slipway only knows migrations up to ${newestKnown}: upgrade slipway, or point it at another database`,
    );
  }
  for (const row of history) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `migration ${row.version} (${row.name}) is recorded as applied but this build has no file for it: restore the file`,
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `migration ${migration.file} was edited after it was applied to this database (checksum ${row.checksum.slice(0, 12)}… recorded, ${migration.checksum.slice(0, 12)}… now): migrations are forward-only — restore the file and put the change in a new numbered migration`,
      );
    }
  }
  for (const migration of migrations) {
    if (migration.version < newestApplied && !history.some((row) => row.version === migration.version)) {
      throw new AppError(
        ErrorCode.failedPrecondition,
        `migration ${migration.file} is not applied but the database is already at version ${newestApplied}: migrations are forward-only — renumber it after the newest one`,
      );
    }
  }
}
