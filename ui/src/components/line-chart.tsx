import { linearScale, niceTicks, type Point, toPolylinePoints } from '../core.js';
import { useMediaQuery } from '../hooks/use-media-query.js';

export interface ChartSeries {
  label: string;
  points: Point[];
  /** CSS class giving the colour (series-canary, series-baseline, series-threshold). */
  className: string;
  dashed?: boolean;
}

const heightPx = 200;
const margin = { top: 10, right: 12, bottom: 26, left: 52 };

/**
 * Lines over time (x in epoch ms, shown as seconds since the first point). Drawn in a viewBox, so it
 * scales to the column it is in; the numbers are also in a table for screen readers.
 */
export function LineChart({ title, series, formatY, emptyText, wide }: { title: string; series: ChartSeries[]; formatY(value: number): string; emptyText: string; wide?: boolean }) {
  const narrow = useMediaQuery('(max-width: 640px)');
  const className = wide ? 'chart wide' : 'chart';
  // A wide chart spans the page: a wider drawing keeps its text the same size as the others'.
  const widthPx = wide && !narrow ? 1120 : 560;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    return (
      <figure className={className}>
        <figcaption>{title}</figcaption>
        <p className="muted chart-empty">{emptyText}</p>
      </figure>
    );
  }
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(...ys), 4);
  const x = linearScale([x0, x1 === x0 ? x0 + 1000 : x1], [margin.left, widthPx - margin.right]);
  const y = linearScale([yTicks[0]!, yTicks.at(-1)!], [heightPx - margin.bottom, margin.top]);
  const xTicks = niceTicks(0, (x.domain[1] - x0) / 1000, 5).filter((s) => s * 1000 + x0 <= x.domain[1]);
  return (
    <figure className={className}>
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <span key={s.label} className={`legend-item ${s.className}`}>
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${widthPx} ${heightPx}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {yTicks.map((tick) => (
          <g key={`y${tick}`}>
            <line x1={margin.left} x2={widthPx - margin.right} y1={y(tick)} y2={y(tick)} className="grid" />
            <text x={margin.left - 6} y={y(tick) + 4} className="axis" textAnchor="end">
              {formatY(tick)}
            </text>
          </g>
        ))}
        {xTicks.map((seconds) => (
          <text key={`x${seconds}`} x={x(x0 + seconds * 1000)} y={heightPx - 8} className="axis" textAnchor="middle">
            {seconds}s
          </text>
        ))}
        {series.map((s) =>
          s.points.length === 1 ? (
            <circle key={s.label} cx={x(s.points[0]!.x)} cy={y(s.points[0]!.y)} r={3.5} className={`point ${s.className}`} />
          ) : (
            <polyline key={s.label} points={toPolylinePoints(s.points, x, y)} className={`line ${s.className}${s.dashed ? ' dashed' : ''}`} />
          ),
        )}
      </svg>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th>series</th>
            <th>seconds</th>
            <th>value</th>
          </tr>
        </thead>
        <tbody>
          {series.flatMap((s) =>
            s.points.map((p) => (
              <tr key={`${s.label}-${p.x}`}>
                <td>{s.label}</td>
                <td>{((p.x - x0) / 1000).toFixed(1)}</td>
                <td>{formatY(p.y)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </figure>
  );
}
