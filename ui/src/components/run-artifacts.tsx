import { api, seg } from '../api/client.js';
import type { ArtifactListing, ArtifactSummary, JobDetail } from '../api/types.js';
import { describeExpiry, formatBytes, type LoadReportView, loadReportCandidates, readLoadReport } from '../core.js';
import { usePoll } from '../hooks/use-poll.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';
import { ErrorBanner } from './error-banner.js';
import { LoadReportTable } from './load-report-table.js';

const artifactUrl = (runId: number, artifactId: number) => `/api/v1/runs/${runId}/artifacts/${artifactId}`;
const fileUrl = (runId: number, artifactId: number, path: string) => `${artifactUrl(runId, artifactId)}/files/${path.split('/').map(seg).join('/')}`;
/** An artifact never changes once uploaded: its files are re-read only to recover from an error. */
const immutableRefreshMs = 60_000;

/** A run's artifacts, grouped by the job that uploaded them, with the load test reports inside them. */
export function RunArtifacts({ runId, jobs, nowMs }: { runId: number; jobs: readonly JobDetail[]; nowMs: number }) {
  const listed = usePoll((signal) => api<{ artifacts: ArtifactSummary[] }>(`/api/v1/runs/${runId}/artifacts`, { signal }), [runId], 3000);
  const artifacts = listed.data?.artifacts ?? [];
  const withArtifacts = jobs.filter((job) => artifacts.some((a) => a.jobKey === job.jobKey));
  return (
    <section className="artifacts" aria-labelledby="artifacts-title">
      <h2 id="artifacts-title">Artifacts</h2>
      <ErrorBanner error={listed.error} />
      {listed.data === undefined ? null : withArtifacts.length === 0 ? (
        <p className="muted">No artifacts yet: a job's <code>artifacts:</code> are uploaded when it succeeds (also when it fails with <code>when: always</code>).</p>
      ) : (
        withArtifacts.map((job) => (
          <section key={job.jobKey} className="job-artifacts" aria-label={`Artifacts of ${job.jobKey}`} data-job={job.jobKey}>
            <h3>
              job <Link href={paths.job(runId, job.id)}>{job.jobKey}</Link>
            </h3>
            <ul className="cards single">
              {artifacts
                .filter((a) => a.jobKey === job.jobKey)
                .map((artifact) => (
                  <ArtifactCard key={artifact.id} runId={runId} artifact={artifact} nowMs={nowMs} />
                ))}
            </ul>
          </section>
        ))
      )}
    </section>
  );
}

function ArtifactCard({ runId, artifact, nowMs }: { runId: number; artifact: ArtifactSummary; nowMs: number }) {
  const listing = usePoll((signal) => api<ArtifactListing>(`${artifactUrl(runId, artifact.id)}/files`, { signal }), [runId, artifact.id], immutableRefreshMs);
  const candidates = loadReportCandidates(listing.data?.files ?? []);
  const reports = usePoll(
    async (signal) => {
      const found: { path: string; report: LoadReportView }[] = [];
      for (const path of candidates) {
        const report = readLoadReport(await api<unknown>(fileUrl(runId, artifact.id, path), { signal }));
        if (report) found.push({ path, report });
      }
      return found;
    },
    [runId, artifact.id, candidates.join('\n')],
    immutableRefreshMs,
  );
  return (
    <li className="card artifact" data-artifact={artifact.name}>
      <div className="card-head">
        <span className="card-title">{artifact.name}</span>
        <a href={`${artifactUrl(runId, artifact.id)}/archive`} download={`${artifact.name}.tar`}>
          Download {artifact.name}.tar
        </a>
      </div>
      <p className="muted small artifact-meta">
        {formatBytes(artifact.size)} · {artifact.fileCount} {artifact.fileCount === 1 ? 'file' : 'files'} · {describeExpiry(artifact.expiresAt, nowMs)}
      </p>
      <ErrorBanner error={listing.error ?? reports.error} />
      {reports.data?.map(({ path, report }) => (
        <LoadReportTable key={path} report={report} source={path} />
      ))}
      <details>
        <summary>Files</summary>
        {listing.data === undefined ? (
          <p className="muted small">Reading the archive…</p>
        ) : (
          <ul className="plain-list artifact-files">
            {listing.data.files.map((file) => (
              <li key={file.path}>
                {file.type === 'file' ? <a href={fileUrl(runId, artifact.id, file.path)}>{file.path}</a> : <span>{file.path}</span>}{' '}
                <span className="muted small">{file.type === 'file' ? formatBytes(file.size) : `→ ${file.target ?? ''}`}</span>
              </li>
            ))}
            {listing.data.truncated ? <li className="muted small">… more files: download the archive to see them all</li> : null}
          </ul>
        )}
      </details>
    </li>
  );
}
