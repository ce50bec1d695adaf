import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import type { PlannedJob } from '../pipeline/model.js';
import { type ExecutorEvent, executeJob } from './execute-job.js';
import { createFailure } from './failure.js';
import { createNoSandbox } from './sandbox/none.js';
import { createTempDirs, isProcessAlive, makeJob, pollUntil } from './test-support/fixtures.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

async function execute(job: PlannedJob, options: { signal?: AbortSignal; workspaceDir?: string } = {}) {
  const workspaceDir = options.workspaceDir ?? (await temp.make());
  const events: ExecutorEvent[] = [];
  const result = await executeJob(job, {
    workspaceDir,
    sandbox: createNoSandbox(),
    env: { PATH: process.env['PATH'], HOME: '/nonexistent', FROM_BASE: 'base', OVERRIDDEN: 'base' },
    clock: systemClock,
    signal: options.signal,
    killGraceMs: 300,
    onEvent: (event) => events.push(event),
  });
  const output = (stream = 'stdout') =>
    events
      .filter((event) => event.type === 'output' && event.stream === stream)
      .map((event) => (event.type === 'output' ? event.text : ''))
      .join('');
  return { result, events, output, workspaceDir };
}

describe('executeJob', () => {
  it('runs steps in order in the workspace and reports each', async () => {
    const { result, output, workspaceDir } = await execute(
      makeJob('build', [{ run: 'echo one > order' }, { run: 'echo two >> order; cat order; pwd' }]),
    );
    expect(result.status).toBe('succeeded');
    expect(result.failure).toBeUndefined();
    expect(result.steps.map((step) => [step.name, step.status, step.exitCode, step.attempts])).toEqual([
      ['step1', 'succeeded', 0, 1],
      ['step2', 'succeeded', 0, 1],
    ]);
    expect(output()).toBe(`one\ntwo\n${workspaceDir}\n`);
  });

  it('merges the base env, the step env and Slipway variables', async () => {
    const { output, workspaceDir } = await execute(
      makeJob('env-job', [
        {
          env: { FROM_STEP: 'step', OVERRIDDEN: 'step', CI: 'false' },
          run: 'echo "$FROM_BASE $FROM_STEP $OVERRIDDEN $CI $SLIPWAY $SLIPWAY_JOB_ID $SLIPWAY_WORKSPACE"',
        },
      ]),
    );
    expect(output()).toBe(`base step step true true env-job ${workspaceDir}\n`);
  });

  it('fails fast inside a script and on a failing pipe stage (bash -e -o pipefail)', async () => {
    const { result, output } = await execute(makeJob('strict', [{ run: 'false | true\necho unreachable' }]));
    expect(result.status).toBe('failed');
    expect(output()).toBe('');
  });

  it('stops at a failed step, skips the rest and reports a user failure', async () => {
    const { result } = await execute(makeJob('j', [{ run: 'exit 5' }, { run: 'echo never' }]));
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({ kind: 'user', retryable: false, message: "step 'step1' exited with code 5" });
    expect(result.steps.map((step) => [step.status, step.exitCode, step.attempts])).toEqual([
      ['failed', 5, 1],
      ['skipped', null, 0],
    ]);
  });

  it('carries on past a continue-on-error step', async () => {
    const { result, output } = await execute(
      makeJob('j', [{ run: 'exit 4', continueOnError: true }, { run: 'echo after' }]),
    );
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]).toMatchObject({ status: 'failed', exitCode: 4, failure: { kind: 'user' } });
    expect(result.steps[1]).toMatchObject({ status: 'succeeded' });
    expect(output()).toBe('after\n');
    expect(output('system')).toContain('continuing (continue-on-error)');
  });

  it('retries a failing step up to its retry count', async () => {
    const flaky = 'if [ ! -e first-try ]; then touch first-try; exit 3; fi; echo second try';
    const retried = await execute(makeJob('j', [{ run: flaky, retry: 1 }]));
    expect(retried.result.status).toBe('succeeded');
    expect(retried.result.steps[0]).toMatchObject({ status: 'succeeded', attempts: 2, exitCode: 0 });
    expect(retried.output()).toBe('second try\n');
    expect(retried.events.filter((event) => event.type === 'step-started').map((e) => e.type === 'step-started' && e.attempt)).toEqual([1, 2]);

    const once = await execute(makeJob('j', [{ run: flaky, retry: 0 }]));
    expect(once.result.steps[0]).toMatchObject({ status: 'failed', attempts: 1, exitCode: 3 });
  });

  it('times a step out and kills its process group, grandchildren included', async () => {
    const workspaceDir = await temp.make();
    const job = makeJob('slow', [
      { run: '(sleep 600 & echo $! > grandchild.pid; wait) & echo $! > child.pid; wait', timeoutMs: 500 },
      { run: 'echo never' },
    ]);
    const { result } = await execute(job, { workspaceDir });
    expect(result.status).toBe('failed');
    expect(result.failure).toMatchObject({ kind: 'timeout', retryable: false });
    expect(result.failure?.message).toBe("step 'step1' timed out after 500 ms");
    expect(result.steps.map((step) => step.status)).toEqual(['timed-out', 'skipped']);
    for (const file of ['child.pid', 'grandchild.pid']) {
      const pid = Number(await readFile(path.join(workspaceDir, file), 'utf8'));
      await pollUntil(`${file} ${pid} to be gone`, async () => !(await isProcessAlive(pid)), 2000);
    }
  });

  it('times the whole job out across steps', async () => {
    const started = Date.now();
    const { result } = await execute(
      makeJob('j', [{ run: 'true' }, { run: 'sleep 600' }, { run: 'echo never' }], { timeoutMs: 400 }),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({ kind: 'timeout', retryable: false, message: "job 'j' timed out after 400 ms" });
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'canceled', 'skipped']);
  });

  it('is canceled by its AbortSignal within a second, killing every process', async () => {
    const workspaceDir = await temp.make();
    const abort = new AbortController();
    const running = execute(makeJob('j', [{ run: '(sleep 600 & echo $! > grandchild.pid; wait) & wait' }]), {
      signal: abort.signal,
      workspaceDir,
    });
    const pidFile = path.join(workspaceDir, 'grandchild.pid');
    await pollUntil('the grandchild pid', async () => (await readFile(pidFile, 'utf8').catch(() => '')).endsWith('\n'));
    const abortedAt = Date.now();
    abort.abort();
    const { result } = await running;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(result.status).toBe('canceled');
    expect(result.failure?.kind).toBe('canceled');
    expect(await isProcessAlive(Number(await readFile(pidFile, 'utf8')))).toBe(false);
  });

  it('rejects a working-directory that escapes the workspace', async () => {
    const workspaceDir = await temp.make();
    await mkdir(path.join(workspaceDir, 'sub'));
    await symlink('/', path.join(workspaceDir, 'root-link'));
    const upward = await execute(makeJob('j', [{ run: 'touch escaped', workingDirectory: '../' }]), { workspaceDir });
    expect(upward.result.failure).toMatchObject({ kind: 'user', retryable: false });
    expect(upward.result.failure?.message).toContain("working-directory '../' is outside the workspace");
    expect(existsSync(path.join(workspaceDir, '..', 'escaped'))).toBe(false);
    const viaLink = await execute(makeJob('j', [{ run: 'touch escaped', workingDirectory: 'root-link/tmp' }]), {
      workspaceDir,
    });
    expect(viaLink.result.failure?.message).toContain('symlink');
    const inside = await execute(makeJob('j', [{ run: 'pwd' }], { workingDirectory: 'sub' }), { workspaceDir });
    expect(inside.output()).toBe(`${path.join(workspaceDir, 'sub')}\n`);
  });

  it('fails a step that uses an unknown action, naming the known ones', async () => {
    const { result } = await execute(makeJob('j', [{ name: 'fetch', uses: 'nope' }]));
    expect(result.status).toBe('failed');
    expect(result.failure).toEqual({
      kind: 'user',
      retryable: false,
      message: "step 'fetch' uses unknown action 'nope'; known actions: deploy, git-checkout",
    });
  });

  it('emits whole lines, tagged with the job, step and stream', async () => {
    const { events } = await execute(
      makeJob('j', [{ name: 'talk', run: "printf 'par'; sleep 0.05; printf 'tial\\nrest'; echo oops >&2" }]),
    );
    const outputs = events.filter((event) => event.type === 'output');
    expect(outputs).toEqual(
      expect.arrayContaining([
        { type: 'output', jobId: 'j', step: 'talk', stepIndex: 0, stream: 'stdout', text: 'partial\n' },
        { type: 'output', jobId: 'j', step: 'talk', stepIndex: 0, stream: 'stdout', text: 'rest\n' },
        { type: 'output', jobId: 'j', step: 'talk', stepIndex: 0, stream: 'stderr', text: 'oops\n' },
      ]),
    );
    expect(outputs).toHaveLength(3);
    expect(events.at(0)?.type).toBe('step-started');
    expect(events.at(-1)?.type).toBe('step-finished');
  });
});

describe('executeJob beforeWork', () => {
  it('runs once, after leading checkout steps and before the first other step; its failure skips the rest', async () => {
    const workspaceDir = await temp.make();
    const calls: string[] = [];
    const job = makeJob('prep', [{ run: 'echo work > done' }, { run: 'true' }]);
    const run = (failure?: ReturnType<typeof createFailure>) =>
      executeJob(job, {
        workspaceDir,
        sandbox: createNoSandbox(),
        env: { PATH: process.env['PATH'] },
        clock: systemClock,
        beforeWork: async () => {
          calls.push(existsSync(path.join(workspaceDir, 'done')) ? 'after-work' : 'before-work');
          return failure;
        },
      });
    expect((await run()).status).toBe('succeeded');
    expect(calls).toEqual(['before-work']);

    const failed = await run(createFailure('infra', 'no artifacts'));
    expect(failed.status).toBe('failed');
    expect(failed.failure?.message).toBe('no artifacts');
    expect(failed.steps.map((step) => step.status)).toEqual(['skipped', 'skipped']);
  });
});
