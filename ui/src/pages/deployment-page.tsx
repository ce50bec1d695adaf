import { type ReactNode, useRef, useState } from 'react';
import { api, ApiError, seg } from '../api/client.js';
import type { CanaryDecision, CanaryRollout, CanaryRolloutSeries, DeploymentView, RuleEvidence } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { LineChart } from '../components/line-chart.js';
import { Loading } from '../components/loading.js';
import { StatusBadge } from '../components/status-badge.js';
import { elapsedMs, formatDuration, liveSeries, metricSeries, weightSeries } from '../core.js';
import { useNow } from '../hooks/use-now.js';
import { usePoll } from '../hooks/use-poll.js';
import { useIdentity } from '../identity.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';

const active = ['queued', 'waiting_approval', 'waiting_lock', 'running', 'paused'];

/** A deployment's rollout: live traffic split, canary vs baseline charts, and the decision timeline with evidence. */
export function DeploymentPage({ deploymentId }: { deploymentId: number }) {
  const rolloutId = `deployment-${deploymentId}`;
  const view = usePoll((signal) => api<DeploymentView>(`/api/v1/deployments/${deploymentId}`, { signal }), [deploymentId], 1000);
  const rollout = usePoll(
    (signal) =>
      api<CanaryRollout>(`/api/v1/canary/rollouts/${seg(rolloutId)}`, { signal }).catch((error: unknown) => {
        // Not a canary, or a server without the canary engine: no rollout to show, not an error.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }),
    [rolloutId],
    2000,
  );
  const decisions = useDecisions(rolloutId);
  // Per-second telemetry of the window the engine judges, while this server's engine runs the rollout.
  const hasEngine = rollout.data?.engine != null;
  const series = usePoll(
    (signal) => (hasEngine ? api<CanaryRolloutSeries>(`/api/v1/canary/rollouts/${seg(rolloutId)}/series`, { signal }) : Promise.resolve(null)),
    [rolloutId, hasEngine],
    2000,
  );
  const tracks = series.data?.tracks ?? {};
  // The canary is compared with the baseline track, or with stable when the router reports no baseline.
  const reference = tracks['baseline'] ?? tracks['stable'];
  const now = useNow();
  const deployment = view.data?.deployment;
  const running = deployment !== undefined && active.includes(deployment.status);
  const weights = deployment ? weightSeries(deployment.events, running ? now : (deployment.finishedAt ? Date.parse(deployment.finishedAt) : undefined)) : new Map();
  const errorRate = metricSeries(decisions.list, 'error_rate');
  const p99 = metricSeries(decisions.list, 'latency_p99');
  const duration = deployment ? elapsedMs(deployment.startedAt, deployment.finishedAt, now) : undefined;
  // The version being rolled out is the canary, in the canary's colour everywhere; the rest are baseline.
  const colourOf = (key: string) =>
    key === deployment?.version || key === 'canary' ? 'series-canary' : key === deployment?.stableVersion || key === 'stable' ? 'series-baseline' : 'series-other';

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={paths.projects()}>Projects</Link> /{' '}
        {deployment ? (
          <>
            <Link href={paths.project(deployment.project)}>{deployment.project}</Link> /{' '}
            <Link href={paths.environment(deployment.project, deployment.environment)}>{deployment.environment}</Link> /{' '}
          </>
        ) : null}
        <span aria-current="page">deployment {deploymentId}</span>
      </nav>
      <ErrorBanner error={view.error} />
      {deployment === undefined ? (
        <Loading what={`deployment ${deploymentId}`} />
      ) : (
        <>
          <div className="title-row">
            <h1>
              {deployment.service} {deployment.version} <StatusBadge status={deployment.status} />
            </h1>
            {running ? <DeploymentActions id={deploymentId} onDone={view.reload} /> : null}
          </div>
          <p className="muted">
            {deployment.kind === 'rollback' ? 'Rollback' : 'Deployment'} to {deployment.environment} · {deployment.strategy.type}
            {deployment.stableVersion ? ` · stable ${deployment.stableVersion}` : ''} · by {deployment.createdBy}
            {duration === undefined ? '' : ` · ${formatDuration(duration)}`}
          </p>
          {deployment.failure ? (
            <div className="error-banner" role="status">
              {deployment.failure.message}
              {deployment.failure.stderrTail?.length ? <pre>{deployment.failure.stderrTail.join('\n')}</pre> : null}
            </div>
          ) : null}
          <section aria-labelledby="traffic-title">
            <h2 id="traffic-title">Traffic now</h2>
            <TrafficBar traffic={view.data!.traffic} colourOf={colourOf} />
            <p className="muted small">
              {rollout.data?.engine
                ? `Canary engine: step ${rollout.data.engine.step}, ${rollout.data.engine.state}, policy ${rollout.data.engine.policyVersion.slice(0, 12)}`
                : rollout.data === null
                  ? 'No canary analysis for this deployment.'
                  : ''}
            </p>
          </section>
          <div className="charts">
            <LineChart
              wide
              title="Traffic weight (%)"
              emptyText="The router's weights were not changed by this deployment."
              formatY={(v) => `${Math.round(v)}%`}
              series={[...weights.entries()].map(([key, points]) => ({ label: key, points, className: colourOf(key) }))}
            />
            <LineChart
              title="Error rate"
              emptyText="No decision has measured the error rate yet."
              formatY={(v) => `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`}
              series={[
                { label: 'canary', points: errorRate.canary, className: 'series-canary' },
                { label: 'baseline', points: errorRate.baseline, className: 'series-baseline' },
                { label: 'limit', points: errorRate.threshold, className: 'series-threshold', dashed: true },
              ]}
            />
            <LineChart
              title="Latency p99"
              emptyText="No decision has measured p99 latency yet."
              formatY={(v) => `${Math.round(v)} ms`}
              series={[
                { label: 'canary', points: p99.canary, className: 'series-canary' },
                { label: 'baseline', points: p99.baseline, className: 'series-baseline' },
              ]}
            />
            {hasEngine ? (
              <>
                <LineChart
                  title="Error rate per second (live)"
                  emptyText="No telemetry in the analysis window yet."
                  formatY={(v) => `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`}
                  series={[
                    { label: 'canary', points: liveSeries(tracks['canary'], 'errorRate'), className: 'series-canary' },
                    { label: 'baseline', points: liveSeries(reference, 'errorRate'), className: 'series-baseline' },
                  ]}
                />
                <LineChart
                  title="Latency p99 per second (live)"
                  emptyText="No telemetry in the analysis window yet."
                  formatY={(v) => `${Math.round(v)} ms`}
                  series={[
                    { label: 'canary', points: liveSeries(tracks['canary'], 'p99Ms'), className: 'series-canary' },
                    { label: 'baseline', points: liveSeries(reference, 'p99Ms'), className: 'series-baseline' },
                  ]}
                />
              </>
            ) : null}
          </div>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline: decisions and events</h2>
            <ErrorBanner error={decisions.error} />
            <Timeline decisions={decisions.list} events={deployment.events} />
          </section>
        </>
      )}
    </>
  );
}

/**
 * The rollout's decisions, oldest first: fetched once, then only those after the newest seen. The
 * page is keyed by deployment, so another rollout starts from an empty list.
 */
function useDecisions(rolloutId: string): { list: CanaryDecision[]; error?: Error } {
  const [list, setList] = useState<CanaryDecision[]>([]);
  const after = useRef(0);
  const polled = usePoll(
    async (signal) => {
      const answer = await api<{ decisions: CanaryDecision[]; next: number }>(`/api/v1/canary/decisions?rollout=${seg(rolloutId)}&after=${after.current}&limit=500`, { signal }).catch(
        (error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return { decisions: [], next: after.current };
          throw error;
        },
      );
      if (answer.decisions.length > 0) {
        after.current = answer.next;
        setList((previous) => [...previous, ...answer.decisions.filter((d) => !previous.some((p) => p.sequence === d.sequence))]);
      }
      return answer.next;
    },
    [rolloutId],
    1000,
  );
  return { list, ...(polled.error ? { error: polled.error } : {}) };
}

function TrafficBar({ traffic, colourOf }: { traffic: Record<string, number>; colourOf(version: string): string }) {
  const entries = Object.entries(traffic).filter(([, share]) => share > 0);
  if (entries.length === 0) return <p className="muted">The router sends no traffic to this service now.</p>;
  return (
    <div className="traffic" role="img" aria-label={entries.map(([version, share]) => `${version} ${Math.round(share)}%`).join(', ')}>
      {entries.map(([version, share]) => (
        <div key={version} className={`traffic-part ${colourOf(version)}`} style={{ width: `${share}%` }} data-version={version}>
          {version} {Math.round(share)}%
        </div>
      ))}
    </div>
  );
}

function Timeline({ decisions, events }: { decisions: CanaryDecision[]; events: DeploymentView['deployment']['events'] }) {
  type Item = { timeMs: number; key: string; node: ReactNode };
  const items: Item[] = [
    ...decisions.map((decision) => ({ timeMs: decision.createdAtMs, key: `d${decision.sequence}`, node: <DecisionItem decision={decision} /> })),
    ...events
      .map((event, index) => ({
        timeMs: event.timeMs,
        key: `e${index}`,
        node: (
          <span>
            {event.type === 'weightsSet'
              ? `weights ${Object.entries(event.weights).map(([key, weight]) => `${key} ${weight}%`).join(' · ')}`
              : event.type === 'promoted'
              ? `promoted${event.full ? ' fully' : ''}`
              : event.type === 'aborted'
                ? `aborted: ${event.reason}`
                : event.type === 'analysisCompleted'
                  ? `analysis ${event.key} ${event.passed ? 'passed' : 'failed'}${event.reason ? `: ${event.reason}` : ''}`
                  : ''}
          </span>
        ),
      })),
  ].sort((a, b) => a.timeMs - b.timeMs);
  if (items.length === 0) return <p className="muted">No decisions or events yet.</p>;
  return (
    <ol className="timeline">
      {items.map((item) => (
        <li key={item.key}>
          <time dateTime={new Date(item.timeMs).toISOString()}>{new Date(item.timeMs).toLocaleTimeString()}</time>
          <div>{item.node}</div>
        </li>
      ))}
    </ol>
  );
}

function DecisionItem({ decision }: { decision: CanaryDecision }) {
  const rules = Array.isArray(decision.evidence['rules']) ? (decision.evidence['rules'] as RuleEvidence[]) : [];
  return (
    <details className="decision" data-action={decision.action}>
      <summary>
        <StatusBadge status={decision.action} /> step {decision.step} · verdict <StatusBadge status={decision.verdict} /> · {decision.reasons[0] ?? ''}
      </summary>
      {decision.reasons.length > 1 ? (
        <ul>
          {decision.reasons.slice(1).map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      <div className="table-scroll">
        <table className="evidence">
          <caption className="visually-hidden">Evidence of decision {decision.sequence}</caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Verdict</th>
              <th scope="col">Comparison</th>
              <th scope="col">Canary</th>
              <th scope="col">Baseline</th>
              <th scope="col">Samples</th>
              <th scope="col">Failures</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.rule} className={rule.triggered ? 'triggered' : undefined}>
                <td>
                  {rule.rule} <span className="muted">({rule.metric})</span>
                  {rule.triggered ? <span className="tag">→ {rule.action}</span> : null}
                </td>
                <td>
                  <StatusBadge status={rule.verdict} />
                </td>
                <td>
                  <code>{rule.comparison}</code>
                </td>
                <td>{formatNumber(rule.canaryValue)}</td>
                <td>{formatNumber(rule.referenceValue)}</td>
                <td>
                  {rule.canarySamples}
                  {rule.referenceSamples === undefined ? '' : ` / ${rule.referenceSamples}`}
                </td>
                <td>
                  {rule.failureCount} of {rule.failuresNeeded}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        window {formatWindow(decision.evidence)} · policy {decision.policyVersion.slice(0, 12)} · <code>slipway rollouts explain {decision.sequence}</code>
      </p>
    </details>
  );
}

function DeploymentActions({ id, onDone }: { id: number; onDone(): void }) {
  const identity = useIdentity();
  const [error, setError] = useState<string>();
  const act = async (action: 'promote' | 'abort') => {
    setError(undefined);
    try {
      await api(`/api/v1/deployments/${id}/${action}`, { method: 'POST', body: {} });
      onDone();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  return (
    <div className="actions">
      <button type="button" className="primary" disabled={identity.actor === ''} onClick={() => act('promote')}>
        Promote
      </button>
      <button type="button" className="danger" disabled={identity.actor === ''} onClick={() => act('abort')}>
        Abort
      </button>
      <ErrorBanner error={error} />
    </div>
  );
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '—';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number(value.toPrecision(3)).toString();
}

function formatWindow(evidence: Record<string, unknown>): string {
  const start = evidence['windowStartMs'];
  const end = evidence['windowEndMs'];
  if (typeof start !== 'number' || typeof end !== 'number') return '—';
  return `${new Date(start).toLocaleTimeString()}–${new Date(end).toLocaleTimeString()} (${formatDuration(end - start)})`;
}
