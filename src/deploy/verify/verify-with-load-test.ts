/**
 * The verification step: options in, report out. Validation errors throw (AppError
 * invalid_argument, before any traffic); everything the target does is data in the report, and
 * `report.passed` is what fails the step.
 */
import type { ThresholdVerdict } from './judge-thresholds.js';
import { judgeThresholds } from './judge-thresholds.js';
import { buildLoadReport, type LoadReport } from './format-load-report.js';
import { type LoadTestOptions, parseLoadTestOptions } from './load-test-options.js';
import { type RunLoadTestDeps, runLoadTest } from './run-load-test.js';
import { settleHeap } from './settle-heap.js';
import { summarizeLoadTest } from './summarize-load-test.js';

export interface Verification {
  options: LoadTestOptions;
  verdict: ThresholdVerdict;
  report: LoadReport;
}

export interface VerifyDeps extends RunLoadTestDeps {
  /**
   * A full GC right before the measured run, after the warm-up with nothing in flight
   * (settle-heap.ts). For a process that exists to run the test (the CLI); a server calling this
   * in-process should not stop its world for it. Default false.
   */
  settleHeapBeforeRun?: boolean;
}

export async function verifyWithLoadTest(input: unknown, deps: VerifyDeps = {}): Promise<Verification> {
  const options = parseLoadTestOptions(input);
  const settle = deps.settleHeapBeforeRun === true ? settleHeap : undefined;
  const run = await runLoadTest(options, { ...deps, beforeMeasuring: settle });
  const summary = summarizeLoadTest(run);
  const verdict = judgeThresholds(summary, options.thresholds);
  return { options, verdict, report: buildLoadReport(options, summary, verdict) };
}
