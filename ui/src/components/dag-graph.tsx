import { elapsedMs, formatDuration, layoutDag, statusTone } from '../core.js';
import type { JobDetail } from '../api/types.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { navigate } from '../router.js';

// Narrower on a phone, so two jobs side by side fit in 390 px.
const nodeWidthPx = { wide: 168, narrow: 150 };
const nodeHeightPx = 52;

/**
 * A run's jobs as a graph: one box per job in its status colour with its duration, an arrow per
 * `needs`. Layers go left to right on wide screens and top to bottom on a phone. Each box is a link
 * to the job's log.
 */
export function DagGraph({ jobs, nowMs, selectedJobId, hrefOf }: { jobs: JobDetail[]; nowMs: number; selectedJobId?: number; hrefOf(job: JobDetail): string }) {
  const narrow = useMediaQuery('(max-width: 640px)');
  const width = narrow ? nodeWidthPx.narrow : nodeWidthPx.wide;
  const layout = layoutDag(
    jobs.map((job) => ({ key: job.jobKey, needs: job.needs })),
    { direction: narrow ? 'vertical' : 'horizontal', nodeWidthPx: width, nodeHeightPx, layerGapPx: narrow ? 28 : 56, nodeGapPx: 12 },
  );
  const byKey = new Map(jobs.map((job) => [job.jobKey, job]));
  const pad = 6;
  return (
    <figure className="dag-scroll" aria-label="Job graph">
      <svg
        className="dag"
        width={layout.widthPx + 2 * pad}
        height={layout.heightPx + 2 * pad}
        viewBox={`${-pad} ${-pad} ${layout.widthPx + 2 * pad} ${layout.heightPx + 2 * pad}`}
      >
        <title>Job graph</title>
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path key={`${edge.from}>${edge.to}`} d={edge.path} className={`dag-edge tone-${statusTone(byKey.get(edge.from)?.status ?? '')}`} markerEnd="url(#dag-arrow)" />
        ))}
        {layout.nodes.map((node) => {
          const job = byKey.get(node.key)!;
          const duration = elapsedMs(job.startedAt, job.finishedAt, nowMs);
          const tone = statusTone(job.status);
          const label = `${job.jobKey}: ${job.status.replaceAll('_', ' ')}${duration === undefined ? '' : `, ${formatDuration(duration)}`}`;
          const href = hrefOf(job);
          return (
            <a
              key={node.key}
              href={href}
              aria-label={label}
              data-job={job.jobKey}
              data-status={job.status}
              className={`dag-node tone-${tone}${job.id === selectedJobId ? ' selected' : ''}`}
              onClick={(event) => {
                if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
                event.preventDefault();
                navigate(href);
              }}
            >
              <title>{label}</title>
              <rect x={node.x} y={node.y} width={width} height={nodeHeightPx} rx={8} />
              <text x={node.x + 12} y={node.y + 21} className="dag-name">
                {clip(job.jobKey, narrow ? 16 : 19)}
              </text>
              <text x={node.x + 12} y={node.y + 40} className="dag-meta">
                {job.status.replaceAll('_', ' ')}
                {duration === undefined ? '' : ` · ${formatDuration(duration)}`}
              </text>
            </a>
          );
        })}
      </svg>
    </figure>
  );
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
