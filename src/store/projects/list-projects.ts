import type { Db } from '../db.js';
import type { RunStatus } from '../runs/run.js';
import type { Project } from './project.js';

/** A project with its newest run, for an overview page. */
export interface ProjectSummary extends Project {
  lastRun: { id: number; number: number; status: RunStatus; ref: string; createdAt: Date } | null;
}

/**
 * Every project (or those of `teamIds`), by name, with its newest run (one statement: a lateral join
 * on the runs' project index).
 */
export async function listProjects(db: Db, teamIds?: readonly number[]): Promise<ProjectSummary[]> {
  const { rows } = await db.query<Project & { runId: number | null; runNumber: number | null; runStatus: RunStatus | null; runRef: string | null; runCreatedAt: Date | null }>(
    `SELECT p.id, p.name, p.repo_url AS "repoUrl", p.default_branch AS "defaultBranch", p.created_at AS "createdAt",
       r.id AS "runId", r.number AS "runNumber", r.status AS "runStatus", r.ref AS "runRef", r.created_at AS "runCreatedAt"
     FROM projects p
     LEFT JOIN LATERAL (SELECT id, number, status, ref, created_at FROM runs WHERE project_id = p.id ORDER BY id DESC LIMIT 1) r ON true
     WHERE $1::bigint[] IS NULL OR p.team_id = ANY($1::bigint[])
     ORDER BY p.name`,
    [teamIds ?? null],
  );
  return rows.map(({ runId, runNumber, runStatus, runRef, runCreatedAt, ...project }) => ({
    ...project,
    id: Number(project.id),
    lastRun: runId === null ? null : { id: Number(runId), number: Number(runNumber), status: runStatus!, ref: runRef!, createdAt: runCreatedAt! },
  }));
}
