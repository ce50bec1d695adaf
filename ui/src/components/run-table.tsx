import type { RunSummary } from '../api/types.js';
import { elapsedMs, formatDuration } from '../core.js';
import { useNow } from '../hooks/use-now.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';
import { StatusBadge } from './status-badge.js';

export function RunTable({ runs, showProject }: { runs: RunSummary[]; showProject?: boolean }) {
  const now = useNow();
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <div className="table-scroll">
      <table className="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            {showProject ? <th scope="col">Project</th> : null}
            <th scope="col">Status</th>
            <th scope="col">Ref</th>
            <th scope="col" className="hide-narrow">
              Trigger
            </th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const duration = elapsedMs(run.startedAt, run.finishedAt, now);
            return (
              <tr key={run.id} data-run={run.id}>
                <td>
                  <Link href={paths.run(run.id)}>#{run.number}</Link> <span className="muted hide-narrow">{run.pipelineName}</span>
                </td>
                {showProject ? (
                  <td>
                    <Link href={paths.project(run.project)}>{run.project}</Link>
                  </td>
                ) : null}
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>
                  <code>{run.ref}</code>
                </td>
                <td className="hide-narrow">{run.trigger}</td>
                <td>{duration === undefined ? '—' : formatDuration(duration)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
