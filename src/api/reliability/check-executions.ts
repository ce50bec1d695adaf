import type { RunDetail } from '../../store/index.js';
import { countOccurrences, type Execution, expectedSingleAttemptLog, type FetchedLog } from './marked-jobs.js';

export interface JobEvidence {
  tag: string;
  job: RunDetail['jobs'][number];
  executions: readonly Execution[];
  log: FetchedLog;
}

export interface CheckOptions {
  /**
   * Whether a job may have taken more than one attempt. A lease that expired while its result was
   * not yet recorded (agent or server gone too long) legitimately re-runs the job's steps.
   */
  allowRetries: boolean;
}

/**
 * What went wrong with one finished job, as readable lines (empty when nothing did): it must have
 * succeeded; its steps ran at least once, at most once per recorded attempt, and never after its
 * result was recorded; its stored log is contiguous, as long as the server says, and — for a single
 * attempt — exactly what the step printed, byte for byte.
 */
export function checkJobEvidence(evidence: JobEvidence, options: CheckOptions): string[] {
  const { tag, job, executions, log } = evidence;
  const problems: string[] = [];
  if (job.status !== 'succeeded') problems.push(`${tag}: ${job.status} (${JSON.stringify(job.failure)})`);
  if (executions.length === 0) problems.push(`${tag}: its steps never ran`);
  if (executions.length > job.attempt) problems.push(`${tag}: its steps ran ${executions.length} times in ${job.attempt} attempt(s)`);
  if (!options.allowRetries && job.attempt !== 1) problems.push(`${tag}: took ${job.attempt} attempts`);
  const finishedAtMs = job.finishedAt === null ? Number.NaN : Date.parse(String(job.finishedAt));
  for (const execution of executions) {
    if (!(execution.startedAtMs <= finishedAtMs)) {
      problems.push(`${tag}: its steps started at ${execution.startedAtMs} on ${execution.agent}, after its result was recorded (${job.finishedAt})`);
    }
  }
  if (log.gaps > 0) problems.push(`${tag}: the log has ${log.gaps} gap(s)`);
  if (log.length !== Buffer.byteLength(log.text, 'utf8')) {
    problems.push(`${tag}: the log streamed ${Buffer.byteLength(log.text, 'utf8')} bytes, the server says ${log.length}`);
  }
  if (job.attempt === 1) {
    const expected = expectedSingleAttemptLog(tag);
    if (log.text !== expected) problems.push(`${tag}: the log is ${JSON.stringify(log.text)}, expected ${JSON.stringify(expected)}`);
  } else {
    // An abandoned attempt's output is refused once its lease is gone, so it may be partly missing
    // (or complete, when only its result was late); the attempt that recorded the result logged all.
    const begins = countOccurrences(log.text, `begin ${tag}\n`);
    const ends = countOccurrences(log.text, `end ${tag}\n`);
    const bound = `1..${executions.length}`;
    if (begins < 1 || begins > executions.length) problems.push(`${tag}: 'begin' logged ${begins} times, expected ${bound}`);
    if (ends < 1 || ends > executions.length) problems.push(`${tag}: 'end' logged ${ends} times, expected ${bound}`);
    if (!log.text.endsWith(`begin ${tag}\nend ${tag}\n`)) problems.push(`${tag}: the last attempt's log is incomplete: ${JSON.stringify(log.text)}`);
  }
  return problems;
}
