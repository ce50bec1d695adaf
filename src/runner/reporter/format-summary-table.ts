import type { JobSummary, RunSummary } from '../local/run-summary.js';
import { type AnsiColor, paint } from './ansi.js';
import { formatDurationMs } from './format-duration.js';

export interface SummaryTableOptions {
  /** Default false. */
  color?: boolean;
}

const statusColors: Record<JobSummary['status'], AnsiColor> = {
  succeeded: 'green',
  failed: 'red',
  skipped: 'gray',
  canceled: 'yellow',
};

/** The table printed after a run: one row per job, then the run's status and duration. */
export function formatSummaryTable(summary: RunSummary, options: SummaryTableOptions = {}): string {
  const color = options.color ?? false;
  const header = ['JOB', 'STATUS', 'DURATION', 'ATTEMPTS', 'DETAIL'];
  const rows = summary.jobs.map((job) => [
    job.id,
    job.status === 'failed' && job.continueOnError ? 'failed (allowed)' : job.status,
    job.attempts === 0 ? '-' : formatDurationMs(job.durationMs),
    String(job.attempts),
    job.status === 'failed' || job.status === 'canceled' ? (job.failure?.message ?? '') : '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const render = (cells: string[], status?: JobSummary['status']) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]!);
        return column === 1 && status ? paint(padded, statusColors[status], color) : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [render(header), ...rows.map((row, i) => render(row, summary.jobs[i]!.status))];
  const runColor: AnsiColor =
    summary.status === 'succeeded' ? 'green' : summary.status === 'failed' ? 'red' : 'yellow';
  lines.push('', `run ${paint(summary.status, runColor, color)} in ${formatDurationMs(summary.durationMs)}`);
  return `${lines.join('\n')}\n`;
}
