import { createFailure } from '../failure.js';
import type { RunSummary } from '../local/run-summary.js';

/** A run with one job of each status, shared by the reporter tests. */
export const sampleRunSummary: RunSummary = {
  status: 'failed',
  durationMs: 65_400,
  jobs: [
    { id: 'build', status: 'succeeded', durationMs: 1234, attempts: 1, continueOnError: false },
    {
      id: 'test[node=20]',
      status: 'failed',
      durationMs: 840,
      attempts: 2,
      continueOnError: false,
      failure: createFailure('user', "step 'unit' exited with code 1"),
    },
    { id: 'lint', status: 'failed', durationMs: 50, attempts: 1, continueOnError: true, failure: createFailure('user', 'x') },
    { id: 'deploy', status: 'skipped', durationMs: 0, attempts: 0, continueOnError: false },
  ],
};
