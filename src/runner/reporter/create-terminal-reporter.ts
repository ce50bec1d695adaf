import type { RunSummary } from '../local/run-summary.js';
import type { RunEvent } from '../local/run-plan-locally.js';
import { paint } from './ansi.js';
import { formatDurationMs } from './format-duration.js';
import { formatOutputLines } from './format-output-lines.js';
import { formatSummaryTable } from './format-summary-table.js';

export interface TerminalOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface TerminalReporterOptions {
  out: TerminalOut;
  /** Default: whether `out` is a TTY. The CLI turns it off for NO_COLOR. */
  color?: boolean;
}

export interface TerminalReporter {
  onEvent(event: RunEvent): void;
  /** Prints the summary table. */
  finish(summary: RunSummary): void;
}

/** The thin writer over the pure formatters; pass `onEvent` as runPlanLocally's onEvent. */
export function createTerminalReporter(options: TerminalReporterOptions): TerminalReporter {
  const color = options.color ?? options.out.isTTY === true;
  const write = (text: string) => options.out.write(text);
  return {
    onEvent(event) {
      switch (event.type) {
        case 'output':
          write(formatOutputLines(event.jobId, event.step, event.text, { color }));
          return;
        case 'job-started':
          write(formatOutputLines(event.jobId, undefined, event.attempt > 1 ? `started (attempt ${event.attempt})` : 'started', { color }));
          return;
        case 'job-finished': {
          const { job } = event;
          const detail = job.failure && job.status !== 'skipped' ? `: ${job.failure.message}` : '';
          const line = job.attempts === 0 ? job.status : `${job.status} in ${formatDurationMs(job.durationMs)}${detail}`;
          write(formatOutputLines(job.id, undefined, line, { color }));
          return;
        }
        case 'notice':
          write(`${paint('notice:', 'yellow', color)} ${event.message}\n`);
          return;
        case 'step-started':
        case 'step-finished':
          return;
      }
    },
    finish(summary) {
      write(`\n${formatSummaryTable(summary, { color })}`);
    },
  };
}
