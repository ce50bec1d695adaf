import { describe, expect, it } from 'vitest';
import { createTerminalReporter } from './create-terminal-reporter.js';
import { sampleRunSummary as summary } from '../test-support/sample-run-summary.js';

describe('createTerminalReporter', () => {
  it('writes prefixed output, job results, notices and the table', () => {
    const written: string[] = [];
    const reporter = createTerminalReporter({ out: { write: (text: string) => written.push(text), isTTY: false } });
    reporter.onEvent({ type: 'notice', message: 'no sandbox' });
    reporter.onEvent({ type: 'output', jobId: 'build', step: 'compile', stepIndex: 0, stream: 'stdout', text: 'ok\n' });
    reporter.onEvent({ type: 'job-finished', job: summary.jobs[1]! });
    reporter.finish(summary);
    expect(written.slice(0, 3)).toEqual([
      'notice: no sandbox\n',
      '[build/compile] ok\n',
      "[test[node=20]] failed in 840 ms: step 'unit' exited with code 1\n",
    ]);
    expect(written[3]).toContain('run failed in 1m 05s');
  });
});
