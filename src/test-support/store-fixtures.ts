import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.js';
import { ensureProject } from '../store/projects/ensure-project.js';
import type { Project } from '../store/projects/project.js';
import { type NewJob, createRun } from '../store/runs/create-run.js';
import type { RunDetail } from '../store/runs/run.js';

/** A project with a name no other test uses. */
export function createTestProject(db: Db, prefix = 'project'): Promise<Project> {
  return ensureProject(db, { name: `${prefix}-${randomBytes(4).toString('hex')}` });
}

/** build -> (test, lint) -> deploy, with steps. */
export const sampleJobs: NewJob[] = [
  { key: 'build', stage: 'build', steps: ['checkout', 'compile'] },
  { key: 'test[node=20]', stage: 'test', needs: ['build'], steps: ['unit'] },
  { key: 'lint', stage: 'lint', needs: ['build'] },
  { key: 'deploy', stage: 'deploy', needs: ['test[node=20]', 'lint'], steps: ['push', 'verify', 'announce'] },
];

export function createTestRun(db: Db, projectId: number, jobs: NewJob[] = sampleJobs): Promise<RunDetail> {
  return createRun(db, { projectId, ref: 'refs/heads/main', commitSha: 'a'.repeat(40), trigger: 'push', pipelineName: 'ci', jobs });
}
