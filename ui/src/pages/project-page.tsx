import { type FormEvent, useState } from 'react';
import { api, ApiError, seg } from '../api/client.js';
import type { Environment, RunSummary } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { RunTable } from '../components/run-table.js';
import { usePoll } from '../hooks/use-poll.js';
import { paths } from '../paths.js';
import { Link, navigate } from '../router.js';

const pageSize = 30;

interface RunPage {
  runs: RunSummary[];
  next: number | null;
}

/**
 * Runs older than the live first page, a page per click: fetched once (finished runs do not change
 * much), by the cursor of the page before, so runs started meanwhile never shift them.
 */
function OlderRuns({ project, after }: { project: string; after: number }) {
  const [pages, setPages] = useState<RunPage[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(false);
  const cursor = pages.length === 0 ? after : pages.at(-1)!.next;
  const more = async () => {
    if (cursor === null) return;
    setLoading(true);
    try {
      const page = await api<RunPage>(`/api/v1/runs?project=${seg(project)}&limit=${pageSize}&before=${cursor}`);
      setPages((previous) => [...previous, page]);
      setError(undefined);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setLoading(false);
    }
  };
  return (
    <>
      {pages.map((page) => (page.runs.length === 0 ? null : <RunTable key={page.runs[0]!.id} runs={page.runs} />))}
      <ErrorBanner error={error} />
      {cursor !== null ? (
        <button type="button" className="older-runs" onClick={() => void more()} disabled={loading}>
          {loading ? 'Loading…' : 'Show older runs'}
        </button>
      ) : null}
    </>
  );
}

export function ProjectPage({ project }: { project: string }) {
  const runs = usePoll((signal) => api<RunPage>(`/api/v1/runs?project=${seg(project)}&limit=${pageSize}`, { signal }), [project], 1500);
  const environments = usePoll(
    (signal) =>
      api<{ environments: Environment[] }>(`/api/v1/projects/${seg(project)}/environments`, { signal }).catch((error: unknown) => {
        // A project that exists only in the URL so far (no run yet) has no environments either.
        if (error instanceof ApiError && error.status === 404) return { environments: [] };
        throw error;
      }),
    [project],
    3000,
  );
  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={paths.projects()}>Projects</Link> / <span aria-current="page">{project}</span>
      </nav>
      <h1>{project}</h1>
      <div className="columns">
        <section aria-labelledby="runs-title" className="wide">
          <h2 id="runs-title">Runs</h2>
          <ErrorBanner error={runs.error} />
          {runs.data === undefined ? <Loading what="runs" /> : <RunTable runs={runs.data.runs} />}
          {runs.data?.next != null ? <OlderRuns key={project} project={project} after={runs.data.next} /> : null}
        </section>
        <aside>
          <section aria-labelledby="envs-title">
            <h2 id="envs-title">Environments</h2>
            <ErrorBanner error={environments.error} />
            {environments.data === undefined ? (
              <Loading what="environments" />
            ) : environments.data.environments.length === 0 ? (
              <p className="muted">
                None yet: <code>slipway env set {project} NAME</code>.
              </p>
            ) : (
              <ul className="plain-list">
                {environments.data.environments.map((environment) => (
                  <li key={environment.name}>
                    <Link href={paths.environment(project, environment.name)}>{environment.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <TriggerForm project={project} onStarted={runs.reload} />
        </aside>
      </div>
    </>
  );
}

/** Starts a run: from the project's repository at a ref, or from pipeline text pasted here. */
function TriggerForm({ project, onStarted }: { project: string; onStarted(): void }) {
  const [ref, setRef] = useState('main');
  const [source, setSource] = useState<'repo' | 'text'>('repo');
  const [repoUrl, setRepoUrl] = useState('');
  const [pipeline, setPipeline] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = source === 'text' ? { project, ref, pipeline } : { project, ref, ...(repoUrl.trim() === '' ? {} : { repoUrl: repoUrl.trim() }) };
      const started = await api<{ runId: number }>('/api/v1/runs', { method: 'POST', body });
      onStarted();
      navigate(paths.run(started.runId));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="trigger-title">
      <h2 id="trigger-title">Start a run</h2>
      <form className="stack" onSubmit={submit}>
        <label>
          <span>Ref</span>
          <input name="ref" value={ref} onChange={(e) => setRef(e.target.value)} required />
        </label>
        <fieldset className="segmented">
          <legend>Pipeline</legend>
          <label>
            <input type="radio" name="source" checked={source === 'repo'} onChange={() => setSource('repo')} /> from the repository
          </label>
          <label>
            <input type="radio" name="source" checked={source === 'text'} onChange={() => setSource('text')} /> pasted here
          </label>
        </fieldset>
        {source === 'repo' ? (
          <label>
            <span>Repository URL (only the first time)</span>
            <input name="repoUrl" value={repoUrl} onChange={(e) => setRepoUrl(e.target.value)} placeholder="/path/to/repo or https://…" />
          </label>
        ) : (
          <label>
            <span>.pipeline.yml</span>
            <textarea name="pipeline" value={pipeline} onChange={(e) => setPipeline(e.target.value)} rows={10} spellCheck={false} required />
          </label>
        )}
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
      </form>
    </section>
  );
}
