/**
 * ui-core/ — the web UI's pure logic: no DOM, no fetch, no React. Imported by ui/ (bundled by Vite)
 * and tested here with vitest, beside the rest of the pure code.
 *
 * Glossary (the words the UI shows, the same as the API's)
 * - run: one execution of a project's pipeline; its jobs form a DAG through `needs`.
 * - job: one stage of a run (or one matrix combination); its log is a byte stream with ANSI colours.
 * - span: a piece of a log line with one style (colour, bold…), what the ANSI parser produces.
 * - layer: a column of the DAG drawing; a job sits one layer right of the furthest job it needs.
 * - release: an immutable version of a service; an environment's current release is what its last
 *   successful deployment put there.
 * - deployment: one release moving into an environment (kind deploy or rollback).
 * - rollout: a canary deployment as the canary engine sees it (`deployment-<id>`).
 * - decision: PROMOTE, PAUSE or ROLLBACK of a rollout, with the evidence (rules, windows) behind it.
 * - tone: the colour family of a status: success, failure, active, waiting, neutral.
 * - artifact: an archive of files a job uploaded (`artifacts:`); the run page lists its files.
 * - load test report: the JSON `slipway loadtest --out` writes; found in artifacts by its shape.
 */
export { type AnsiSpan, type AnsiState, createAnsiState, parseAnsiLines } from './ansi-to-spans.js';
export { type DagEdge, type DagLayout, type DagNode, type LayoutOptions, layoutDag } from './layout-dag.js';
export { type LinearScale, linearScale, niceTicks, type Point, toPolylinePoints } from './scale-chart.js';
export { findMatches, type LogMatch } from './search-log.js';
export { visibleLineRange } from './visible-line-range.js';
export { formatDuration, elapsedMs } from './format-duration.js';
export { statusTone, type Tone } from './status-tone.js';
export { currentRelease, type ReleaseLike } from './current-release.js';
export { metricSeries, type DecisionLike, type MetricSeries } from './metric-series.js';
export { highlightSpans, type MarkedSpan } from './highlight-spans.js';
export { weightSeries } from './weight-series.js';
export { describeExpiry, formatBytes } from './format-bytes.js';
export {
  type ArtifactFileLike,
  describeLoadReport,
  type LoadReportFigures,
  type LoadReportView,
  loadReportCandidates,
  loadReportFileName,
  readLoadReport,
} from './load-report.js';
export { type LiveMetric, liveSeries, type SeriesBucket } from './live-series.js';
