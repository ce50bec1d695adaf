import type { Point } from './scale-chart.js';

/** The weight changes of a deployment's events (`weightsSet`), per router key (a track or a version). */
export function weightSeries(events: readonly { type: string; weights?: Record<string, number>; timeMs: number }[], nowMs?: number): Map<string, Point[]> {
  const series = new Map<string, Point[]>();
  const keys = new Set<string>();
  const changes = events.filter((e) => e.type === 'weightsSet' && e.weights !== undefined).sort((a, b) => a.timeMs - b.timeMs);
  for (const change of changes) for (const key of Object.keys(change.weights!)) keys.add(key);
  for (const key of keys) {
    const points: Point[] = [];
    for (const change of changes) {
      const value = change.weights![key] ?? 0;
      const previous = points.at(-1);
      // A step, not a slope: the weight holds until the next change.
      if (previous) points.push({ x: change.timeMs, y: previous.y });
      points.push({ x: change.timeMs, y: value });
    }
    const last = points.at(-1);
    if (last && nowMs !== undefined && nowMs > last.x) points.push({ x: nowMs, y: last.y });
    series.set(key, points);
  }
  return series;
}
