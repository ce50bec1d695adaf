import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import type { PlannedJob } from '../pipeline/model.js';
import type { WaitForApproval } from './approval-step.js';
import { executeJob } from './execute-job.js';
import { createFailure } from './failure.js';
import { createNoSandbox } from './sandbox/none.js';
import { createTempDirs, makeJob } from './test-support/fixtures.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

const gated = makeJob('release', [
  { name: 'sign-off', approval: { approvers: 2, timeoutMs: 60_000 } },
  { name: 'ship', run: 'echo shipped' },
]);

async function execute(job: PlannedJob, waitForApproval?: WaitForApproval, signal?: AbortSignal) {
  const output: string[] = [];
  const result = await executeJob(job, {
    workspaceDir: await temp.make(),
    sandbox: createNoSandbox(),
    env: { PATH: process.env['PATH'] },
    clock: systemClock,
    ...(signal ? { signal } : {}),
    ...(waitForApproval ? { waitForApproval } : {}),
    onEvent: (event) => {
      if (event.type === 'output') output.push(event.text);
    },
  });
  return { result, output: output.join('') };
}

describe('approval steps in the executor', () => {
  it('fail without a server (slipway run), saying why and what to do, and the job stops there', async () => {
    const { result } = await execute(gated);
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({
      kind: 'user',
      retryable: false,
      message: expect.stringMatching(/^step 'sign-off' waits for approvals, which need a Slipway server: .*`slipway trigger`/),
    });
    expect(result.steps.map((step) => step.status)).toEqual(['failed', 'skipped']);
  });

  it('pass once the driver says approved, and fail with its failure otherwise', async () => {
    const approved = await execute(gated, async ({ approval, log }) => {
      log(`asked for ${approval.approvers}`);
      return undefined;
    });
    expect(approved.result.status).toBe('succeeded');
    expect(approved.output).toContain('asked for 2\n');
    expect(approved.output).toContain('shipped');

    const rejected = await execute(gated, async () => createFailure('user', "step 'sign-off' was not approved: no"));
    expect(rejected.result).toMatchObject({ status: 'failed', failure: { kind: 'user', message: "step 'sign-off' was not approved: no" } });
  });

  it('stop waiting when the job is canceled', async () => {
    const abort = new AbortController();
    const waiting = execute(
      gated,
      ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true })),
      abort.signal,
    );
    setTimeout(() => abort.abort(), 50);
    const { result } = await waiting;
    expect(result.status).toBe('canceled');
    expect(result.steps.map((step) => step.status)).toEqual(['canceled', 'skipped']);
  });
});
