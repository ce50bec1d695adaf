import { api } from '../api/client.js';
import type { ProjectSummary, RunSummary } from '../api/types.js';
import { DemoPanel } from '../components/demo-panel.js';
import { ErrorBanner } from '../components/error-banner.js';
import { useIdentity } from '../identity.js';
import { Loading } from '../components/loading.js';
import { RunTable } from '../components/run-table.js';
import { StatusBadge } from '../components/status-badge.js';
import { usePoll } from '../hooks/use-poll.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';

export function ProjectsPage() {
  const identity = useIdentity();
  const projects = usePoll((signal) => api<{ projects: ProjectSummary[] }>('/api/v1/projects', { signal }), [], 2000);
  const runs = usePoll((signal) => api<{ runs: RunSummary[] }>('/api/v1/runs?limit=15', { signal }), [], 1500);
  return (
    <>
      <h1>Projects</h1>
      <ErrorBanner error={projects.error} />
      {projects.data === undefined ? (
        <Loading what="projects" />
      ) : projects.data.projects.length === 0 ? (
        <p className="muted">
          No projects yet. A project appears with its first run: <code>slipway trigger --project NAME</code>, or a webhook.
        </p>
      ) : (
        <ul className="cards" aria-label="Projects">
          {projects.data.projects.map((project) => (
            <li key={project.id} className="card">
              <Link href={paths.project(project.name)} className="card-title">
                {project.name}
              </Link>
              <div className="muted">{project.repoUrl ?? 'no repository (runs posted with their pipeline)'}</div>
              {project.lastRun ? (
                <div className="card-meta">
                  <StatusBadge status={project.lastRun.status} /> <Link href={paths.run(project.lastRun.id)}>run #{project.lastRun.number}</Link> on{' '}
                  <code>{project.lastRun.ref}</code>
                </div>
              ) : (
                <div className="card-meta muted">no runs yet</div>
              )}
            </li>
          ))}
        </ul>
      )}
      <h2>Recent runs</h2>
      <ErrorBanner error={runs.error} />
      {runs.data === undefined ? <Loading what="runs" /> : <RunTable runs={runs.data.runs} showProject />}
      {identity.admin ? <DemoPanel /> : null}
    </>
  );
}
