import { type AnsiColor, paint } from './ansi.js';

const palette: AnsiColor[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];

export interface OutputLinesOptions {
  color: boolean;
}

/** `[job/step] ` before every line of `text` (whole lines, as the executor emits them). */
export function formatOutputLines(jobId: string, step: string | undefined, text: string, options: OutputLinesOptions): string {
  const label = step === undefined ? jobId : `${jobId}/${step}`;
  const prefix = `${paint(`[${label}]`, colorOfJob(jobId), options.color)} `;
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body
    .split('\n')
    .map((line) => `${prefix}${line}\n`)
    .join('');
}

/** Stable per job id, so one job's lines keep one colour across a run. */
export function colorOfJob(jobId: string): AnsiColor {
  let hash = 0;
  for (let i = 0; i < jobId.length; i++) hash = (hash * 31 + jobId.charCodeAt(i)) >>> 0;
  return palette[hash % palette.length]!;
}
