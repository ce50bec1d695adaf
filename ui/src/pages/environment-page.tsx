import { useState } from 'react';
import { api, seg } from '../api/client.js';
import type { Deployment, Environment } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { StatusBadge } from '../components/status-badge.js';
import { currentRelease, elapsedMs, formatDuration } from '../core.js';
import { useNow } from '../hooks/use-now.js';
import { usePoll } from '../hooks/use-poll.js';
import { useIdentity } from '../identity.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';

export function EnvironmentPage({ project, environment }: { project: string; environment: string }) {
  const base = `/api/v1/projects/${seg(project)}/environments/${seg(environment)}`;
  const env = usePoll((signal) => api<{ environment: Environment }>(base, { signal }), [base], 5000);
  const history = usePoll((signal) => api<{ deployments: Deployment[] }>(`${base}/deployments?limit=50`, { signal }), [base], 1000);
  const now = useNow();
  const identity = useIdentity();
  const [confirming, setConfirming] = useState(false);
  const [target, setTarget] = useState('');
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<string>();

  const deployments = history.data?.deployments ?? [];
  const current = currentRelease(deployments);
  const active = deployments.find((d) => ['queued', 'waiting_approval', 'waiting_lock', 'running', 'paused'].includes(d.status));
  const earlier = [...new Set(deployments.filter((d) => d.status === 'succeeded' && d.version !== current?.version).map((d) => d.version))];

  const rollback = async () => {
    setConfirming(false);
    setError(undefined);
    setResult(undefined);
    try {
      const answer = await api<{ action: 'aborted' | 'deploying'; deployment: Deployment }>(`${base}/rollback`, {
        method: 'POST',
        body: target === '' ? {} : { to: target },
      });
      setResult(
        answer.action === 'aborted'
          ? `Aborted deployment ${answer.deployment.id}: traffic is back on the stable release.`
          : `Rolling back to ${answer.deployment.version} (deployment ${answer.deployment.id}).`,
      );
      history.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={paths.projects()}>Projects</Link> / <Link href={paths.project(project)}>{project}</Link> / <span aria-current="page">{environment}</span>
      </nav>
      <h1>{environment}</h1>
      <ErrorBanner error={env.error ?? history.error} />
      <div className="columns">
        <section className="wide" aria-labelledby="current-title">
          <h2 id="current-title">Current release</h2>
          {history.data === undefined ? (
            <Loading what="deployments" />
          ) : current ? (
            <div className="release">
              <span className="release-version" data-testid="current-release">
                {current.version}
              </span>
              <span className="muted">
                {current.service} · deployed by {current.createdBy} {current.finishedAt ? `at ${new Date(current.finishedAt).toLocaleString()}` : ''}
                {current.kind === 'rollback' ? ' · a rollback' : ''}
              </span>
            </div>
          ) : (
            <p className="muted">Nothing has been deployed here successfully yet.</p>
          )}
          {active ? (
            <p>
              In progress: <Link href={paths.deployment(active.id)}>deployment {active.id}</Link> of {active.version} <StatusBadge status={active.status} />
            </p>
          ) : null}
          <div className="rollback">
            <label>
              <span>Roll back to</span>
              <select value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">the previous release</option>
                {earlier.map((version) => (
                  <option key={version} value={version}>
                    {version}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="danger" disabled={identity.actor === '' || (current === undefined && active === undefined)} onClick={() => setConfirming(true)}>
              Roll back…
            </button>
          </div>
          {identity.actor === '' ? <p className="muted">Sign in at the top to roll back.</p> : null}
          <ErrorBanner error={error} />
          {result ? <p role="status">{result}</p> : null}
        </section>
        <aside aria-labelledby="rules-title">
          <h2 id="rules-title">Protection</h2>
          {env.data ? <RulesSummary rules={env.data.environment.rules} /> : <Loading what="rules" />}
        </aside>
      </div>
      <h2>History</h2>
      {deployments.length === 0 ? (
        <p className="muted">No deployments yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="deployments">
            <thead>
              <tr>
                <th scope="col">Deployment</th>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">
                  Strategy
                </th>
                <th scope="col" className="hide-narrow">
                  By
                </th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {deployments.map((deployment) => {
                const duration = elapsedMs(deployment.startedAt, deployment.finishedAt, now);
                return (
                  <tr key={deployment.id} data-deployment={deployment.id}>
                    <td>
                      <Link href={paths.deployment(deployment.id)}>#{deployment.id}</Link> {deployment.kind === 'rollback' ? <span className="tag">rollback</span> : null}
                    </td>
                    <td>
                      <code>{deployment.version}</code>
                      {deployment.id === current?.id ? <span className="tag current">current</span> : null}
                    </td>
                    <td>
                      <StatusBadge status={deployment.status} />
                    </td>
                    <td className="hide-narrow">{deployment.strategy.type}</td>
                    <td className="hide-narrow">{deployment.createdBy}</td>
                    <td>{duration === undefined ? '—' : formatDuration(duration)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Roll back ${environment}?`}
        confirmLabel="Roll back now"
        danger
        onConfirm={rollback}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {active && target === ''
            ? `Deployment ${active.id} (${active.version}) is in progress: it will be aborted and traffic returns to the stable release at once.`
            : `${project} ${environment} will go from ${current?.version ?? 'its current release'} to ${target === '' ? 'the previous release' : target}. This skips the approval gate.`}
        </p>
      </ConfirmDialog>
    </>
  );
}

function RulesSummary({ rules }: { rules: Record<string, unknown> }) {
  const entries = Object.entries(rules).filter(([, value]) => value !== undefined && value !== null);
  if (entries.length === 0) return <p className="muted">Unprotected: anyone may deploy at any time.</p>;
  return (
    <dl className="rules">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>
            <code>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
