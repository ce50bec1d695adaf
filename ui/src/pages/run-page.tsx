import { useState } from 'react';
import { api } from '../api/client.js';
import type { JobDetail, ProjectSummary, RunDetail } from '../api/types.js';
import { DagGraph } from '../components/dag-graph.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { LogViewer } from '../components/log-viewer.js';
import { RunArtifacts } from '../components/run-artifacts.js';
import { StatusBadge } from '../components/status-badge.js';
import { elapsedMs, formatDuration } from '../core.js';
import { useJobLog } from '../hooks/use-job-log.js';
import { useNow } from '../hooks/use-now.js';
import { usePoll } from '../hooks/use-poll.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';

const finished = ['succeeded', 'failed', 'canceled'];

export function RunPage({ runId, jobId }: { runId: number; jobId?: number }) {
  const run = usePoll((signal) => api<RunDetail>(`/api/v1/runs/${runId}`, { signal }), [runId], 1000);
  const projects = usePoll((signal) => api<{ projects: ProjectSummary[] }>('/api/v1/projects', { signal }), [], 10_000);
  const now = useNow();
  const [cancelError, setCancelError] = useState<string>();
  const detail = run.data;
  const projectName = projects.data?.projects.find((p) => p.id === Number(detail?.projectId))?.name;
  const selected = detail?.jobs.find((job) => job.id === jobId);
  const duration = detail ? elapsedMs(detail.startedAt, detail.finishedAt, now) : undefined;

  const cancel = async () => {
    setCancelError(undefined);
    try {
      await api(`/api/v1/runs/${runId}/cancel`, { method: 'POST', body: {} });
      run.reload();
    } catch (caught) {
      setCancelError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={paths.projects()}>Projects</Link> / {projectName ? <Link href={paths.project(projectName)}>{projectName}</Link> : '…'} /{' '}
        <span aria-current="page">run #{detail?.number ?? runId}</span>
      </nav>
      <ErrorBanner error={run.error} />
      {detail === undefined ? (
        <Loading what={`run ${runId}`} />
      ) : (
        <>
          <div className="title-row">
            <h1>
              Run #{detail.number} <StatusBadge status={detail.status} />
            </h1>
            {finished.includes(detail.status) ? null : (
              <button type="button" className="danger" onClick={cancel}>
                Cancel run
              </button>
            )}
          </div>
          <p className="muted">
            {detail.pipelineName} · <code>{detail.ref}</code>
            {detail.commitSha ? <> · {detail.commitSha.slice(0, 10)}</> : null} · {detail.trigger}
            {duration === undefined ? '' : ` · ${formatDuration(duration)}`}
          </p>
          <ErrorBanner error={cancelError} />
          <h2 className="visually-hidden">Jobs</h2>
          <DagGraph jobs={detail.jobs} nowMs={now} {...(jobId === undefined ? {} : { selectedJobId: jobId })} hrefOf={(job) => paths.job(runId, job.id)} />
          {selected ? <JobPanel job={selected} nowMs={now} /> : <p className="muted">Choose a job to see its steps and its log.</p>}
          <RunArtifacts runId={runId} jobs={detail.jobs} nowMs={now} />
        </>
      )}
    </>
  );
}

function JobPanel({ job, nowMs }: { job: JobDetail; nowMs: number }) {
  const log = useJobLog(job.id);
  const duration = elapsedMs(job.startedAt, job.finishedAt, nowMs);
  return (
    <section className="job" aria-labelledby="job-title">
      <h2 id="job-title">
        {job.jobKey} <StatusBadge status={job.status} />
        <span className="muted small">
          {duration === undefined ? '' : ` ${formatDuration(duration)}`}
          {job.attempt > 1 ? ` · attempt ${job.attempt}` : ''}
        </span>
      </h2>
      {job.failure ? (
        <p className="error-banner" role="status">
          {job.failure.kind}: {job.failure.message}
        </p>
      ) : null}
      {job.steps.length > 0 ? (
        <ol className="steps">
          {job.steps.map((step) => {
            const stepDuration = elapsedMs(step.startedAt, step.finishedAt, nowMs);
            return (
              <li key={step.idx}>
                <StatusBadge status={step.status} /> {step.name}
                <span className="muted">
                  {stepDuration === undefined ? '' : ` ${formatDuration(stepDuration)}`}
                  {step.exitCode !== null && step.exitCode !== 0 ? ` · exit ${step.exitCode}` : ''}
                </span>
              </li>
            );
          })}
        </ol>
      ) : null}
      <LogViewer log={log} title={`Log of ${job.jobKey}`} />
    </section>
  );
}
