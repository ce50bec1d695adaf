import { seg } from './api/client.js';

/** Builders for the UI's own paths (see router.tsx). */
export const paths = {
  projects: () => '/',
  project: (project: string) => `/projects/${seg(project)}`,
  environment: (project: string, environment: string) => `/projects/${seg(project)}/environments/${seg(environment)}`,
  run: (runId: number) => `/runs/${runId}`,
  job: (runId: number, jobId: number) => `/runs/${runId}/jobs/${jobId}`,
  approvals: () => '/approvals',
  deployment: (id: number) => `/deployments/${id}`,
};
