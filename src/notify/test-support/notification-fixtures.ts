import type { Db, Project } from '../../store/index.js';
import { createRun } from '../../store/index.js';

/** A run of `project` on `ref` that finished with `status` at `finishedAtMs`, with one failed job. */
export async function finishedRun(db: Db, project: Project, ref: string, status: 'failed' | 'succeeded', finishedAtMs: number): Promise<number> {
  const run = await createRun(db, { projectId: project.id, ref, commitSha: 'c'.repeat(40), trigger: 'push', pipelineName: 'ci', jobs: [{ key: 'test', stage: 'test' }] });
  const finishedAt = new Date(finishedAtMs);
  await db.query(`UPDATE runs SET status = $2, started_at = $3, finished_at = $3 WHERE id = $1`, [run.id, status, finishedAt]);
  if (status === 'failed') {
    await db.query(`UPDATE jobs SET status = 'failed', failure = $2::jsonb, finished_at = $3 WHERE run_id = $1`, [
      run.id, JSON.stringify({ kind: 'user', retryable: false, message: 'step unit exited with 1' }), finishedAt,
    ]);
  }
  return run.id;
}

let releases = 0;
/** A finished deployment of service web to production, with a release of its own. */
export async function finishedDeployment(db: Db, project: Project, status: string, finishedAtMs: number, events: unknown[] = []): Promise<number> {
  releases += 1;
  const at = new Date(finishedAtMs);
  const { rows: inserted } = await db.query<{ id: number }>(
    `INSERT INTO releases (project_id, service, version, digest, source, config, config_hash, created_by, created_at)
     VALUES ($1, 'web', $2, $3, '{"kind":"dir","path":"/x"}', '{}', $3, 'ana', $4) RETURNING id`,
    [project.id, `v${releases}`, 'd'.repeat(64), at],
  );
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO deployments (project_id, environment, service, release_id, strategy, status, events, abort_requested_by, failure, created_by, created_at, updated_at, finished_at)
     VALUES ($1, 'production', 'web', $2, '{"type":"recreate"}', $3, $4::jsonb, $5, $6::jsonb, 'ana', $7, $7, $7) RETURNING id`,
    [
      project.id, inserted[0]!.id, status, JSON.stringify(events), status === 'aborted' ? 'bob' : null,
      status === 'succeeded' ? null : JSON.stringify({ kind: 'canceled', retryable: false, message: `ended ${status}` }), at,
    ],
  );
  return Number(rows[0]!.id);
}

/** An approval request (gate) of `project` in `status`, opened at createdAtMs. */
export async function insertGate(db: Db, project: Project, status: string, createdAtMs: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO approval_requests (project_id, environment, author, branch, rules, required_approvals, status, created_at, decided_at)
     VALUES ($1, 'production', 'ana', 'main', '{}', 1, $2, $3, CASE WHEN $2 = 'pending' THEN NULL ELSE $3::timestamptz END) RETURNING id`,
    [project.id, status, new Date(createdAtMs)],
  );
  return Number(rows[0]!.id);
}
