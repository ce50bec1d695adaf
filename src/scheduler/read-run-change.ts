import type { Db } from '../store/index.js';

/** Who made a run's change and where it comes from: what a gate needs to open. */
export interface RunChange {
  projectId: number;
  /** The run's ref without `refs/heads/`; a pull request keeps `refs/pull/N/head`, which no branch rule names. */
  branch: string;
  /** null when unknown (schedules, anonymous manual runs). */
  author: string | null;
}

/** Stands for a run whose author is unknown; gates need one, and nobody acts under this name. */
export const unknownAuthor = '(unknown author)';

export async function readRunChange(db: Db, runId: number): Promise<RunChange | undefined> {
  const { rows } = await db.query<{ projectId: number; ref: string; author: string | null }>(
    'SELECT project_id AS "projectId", ref, author FROM runs WHERE id = $1',
    [runId],
  );
  const run = rows[0];
  if (!run) return undefined;
  return { projectId: Number(run.projectId), branch: run.ref.replace(/^refs\/heads\//, '') || run.ref, author: run.author };
}
