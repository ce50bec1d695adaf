import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlannedJob } from '../../pipeline/model.js';
import { exitCodeFor } from '../reporter/exit-code-for.js';
import { createNoSandbox } from '../sandbox/none.js';
import { createTempDirs, findProcesses, git, makeJob, makePlan, pollUntil, uniqueSleepSeconds } from '../test-support/fixtures.js';
import { type LocalRunOptions, type RunEvent, runPlanLocally } from './run-plan-locally.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

async function makeRepo(): Promise<string> {
  const repo = await temp.make('slipway-repo-');
  git(repo, 'init', '-q');
  await writeFile(path.join(repo, 'README'), 'hello\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'initial');
  return repo;
}

async function run(jobs: PlannedJob[], options: Partial<LocalRunOptions> = {}) {
  const repoDir = options.repoDir ?? (await makeRepo());
  const events: RunEvent[] = [];
  const summary = await runPlanLocally(makePlan(jobs), {
    repoDir,
    env: { PATH: process.env['PATH'] },
    sandbox: createNoSandbox(),
    killGraceMs: 300,
    onEvent: (event) => events.push(event),
    ...options,
  });
  const statuses = Object.fromEntries(summary.jobs.map((job) => [job.id, job.status]));
  const stdoutOf = (jobId: string) =>
    events
      .filter((e) => e.type === 'output' && e.jobId === jobId && e.stream === 'stdout')
      .map((e) => (e.type === 'output' ? e.text : ''))
      .join('');
  return { summary, events, statuses, stdoutOf, repoDir };
}

/** Steps print their own start/end times (ns); the driver's concurrency is measured from those. */
const timedStep = { run: 'echo "start $(date +%s%N)"; sleep 0.2; echo "end $(date +%s%N)"' };

function maxOverlap(intervals: Array<[bigint, bigint]>): number {
  const points = intervals.flatMap(([start, end]) => [
    { at: start, delta: 1 },
    { at: end, delta: -1 },
  ]);
  points.sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let current = 0;
  let max = 0;
  for (const point of points) {
    current += point.delta;
    max = Math.max(max, current);
  }
  return max;
}

describe('runPlanLocally', () => {
  it('runs independent jobs in parallel, never more than maxParallel at once', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const intervalsFor = async (maxParallel: number) => {
      const { summary, stdoutOf } = await run(
        ids.map((id) => makeJob(id, [timedStep])),
        { maxParallel },
      );
      expect(summary.status).toBe('succeeded');
      return ids.map((id): [bigint, bigint] => {
        const [, start, end] = /start (\d+)\nend (\d+)\n/.exec(stdoutOf(id))!;
        return [BigInt(start!), BigInt(end!)];
      });
    };
    expect(maxOverlap(await intervalsFor(3))).toBe(3);
    expect(maxOverlap(await intervalsFor(1))).toBe(1);
  });

  it('starts a job only after all its needs finished', async () => {
    const { summary, stdoutOf } = await run([
      makeJob('first', [timedStep]),
      makeJob('second', [timedStep]),
      makeJob('after', [{ run: 'echo "start $(date +%s%N)"' }], { needs: ['first', 'second'] }),
    ]);
    expect(summary.status).toBe('succeeded');
    const endOf = (id: string) => BigInt(/end (\d+)/.exec(stdoutOf(id))![1]!);
    const afterStart = BigInt(/start (\d+)/.exec(stdoutOf('after'))![1]!);
    expect(afterStart > endOf('first') && afterStart > endOf('second')).toBe(true);
  });

  it('skips dependants of a failed job, runs failure() and always() jobs, and fails the run', async () => {
    const { summary, statuses } = await run([
      makeJob('build', [{ run: 'exit 1' }]),
      makeJob('test', [{ run: 'true' }], { needs: ['build'] }),
      makeJob('deploy', [{ run: 'true' }], { needs: ['test'] }),
      makeJob('on-failure', [{ run: 'true' }], { needs: ['test'], if: 'failure' }),
      makeJob('report', [{ run: 'true' }], { needs: ['deploy'], if: 'always' }),
    ]);
    expect(statuses).toEqual({
      build: 'failed',
      test: 'skipped',
      deploy: 'skipped',
      'on-failure': 'succeeded',
      report: 'succeeded',
    });
    expect(summary.status).toBe('failed');
    expect(summary.jobs[0]!.failure).toMatchObject({ kind: 'user', message: "step 'step1' exited with code 1" });
    expect(exitCodeFor(summary)).toBe(1);
  });

  it('treats a continue-on-error job that failed as success for the run and its dependants', async () => {
    const { summary, statuses } = await run([
      makeJob('lint', [{ run: 'exit 1' }], { continueOnError: true }),
      makeJob('test', [{ run: 'true' }], { needs: ['lint'] }),
      makeJob('on-failure', [{ run: 'true' }], { needs: ['lint'], if: 'failure' }),
    ]);
    expect(statuses).toEqual({ lint: 'failed', test: 'succeeded', 'on-failure': 'skipped' });
    expect(summary.status).toBe('succeeded');
    expect(exitCodeFor(summary)).toBe(0);
  });

  it('retries a failed job in a fresh workspace', async () => {
    const markerDir = await temp.make();
    const script =
      'test ! -e from-earlier-attempt || exit 9; touch from-earlier-attempt; ' +
      'if [ ! -e "$MARKER_DIR/failed-once" ]; then touch "$MARKER_DIR/failed-once"; exit 1; fi';
    const { summary, events } = await run([makeJob('flaky', [{ run: script }], { retry: 2 })], {
      env: { PATH: process.env['PATH'], MARKER_DIR: markerDir },
    });
    expect(summary.jobs[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    const workspaces = events.flatMap((e) => (e.type === 'job-started' ? [[e.attempt, e.workspaceDir]] : []));
    expect(workspaces).toHaveLength(2);
    expect(workspaces[0]![1]).not.toBe(workspaces[1]![1]);
    expect(summary.jobs[0]!.workspaceDir).toBe(workspaces[1]![1]);
  });

  it('cancels on abort: kills every running process within a second, marks the rest canceled', async () => {
    const token = uniqueSleepSeconds();
    const abort = new AbortController();
    const events: RunEvent[] = [];
    const running = run(
      [
        makeJob('a', [{ run: `sleep ${token}` }]),
        makeJob('b', [{ run: `(sleep ${token} & wait) & wait` }]),
        makeJob('c', [{ run: 'true' }], { needs: ['a'] }),
        makeJob('d', [{ run: 'true' }, { run: 'true' }]),
      ],
      { signal: abort.signal, maxParallel: 2, onEvent: (event) => events.push(event) },
    );
    // b alone is three processes (bash, subshell, sleep); a fourth means a runs too.
    await pollUntil('both sleeping jobs to run', async () => (await findProcesses(token)).length >= 4);
    const abortedAt = Date.now();
    abort.abort();
    const { summary, statuses } = await running;
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(statuses).toEqual({ a: 'canceled', b: 'canceled', c: 'canceled', d: 'canceled' });
    expect(summary.status).toBe('canceled');
    expect(exitCodeFor(summary)).toBe(1);
    expect(await findProcesses(token)).toEqual([]);
    expect(events.filter((e) => e.type === 'job-finished')).toHaveLength(4);
  });

  it('reports a missing sandbox once per run', async () => {
    const binDir = await temp.make('slipway-bin-');
    await symlink('/bin/bash', path.join(binDir, 'bash'));
    const { events, summary } = await run(
      ['a', 'b', 'c'].map((id) => makeJob(id, [{ run: 'echo ok' }])),
      { sandbox: undefined, env: { PATH: binDir } },
    );
    expect(summary.status).toBe('succeeded');
    const notices = events.filter((e) => e.type === 'notice');
    expect(notices).toEqual([
      {
        type: 'notice',
        message: 'bubblewrap (bwrap) not found: steps run without a sandbox; install bubblewrap to isolate them',
      },
    ]);
  });

  it('creates workspaces under <repo>/.slipway/runs/<runId>/<job>', async () => {
    const repoDir = await makeRepo();
    const { summary } = await run([makeJob('test[node=20]', [{ run: 'cat README' }])], { repoDir, runId: 'r1' });
    expect(summary.jobs[0]!.workspaceDir).toBe(path.join(repoDir, '.slipway/runs/r1/test-node=20'));
  });
});

describe('runPlanLocally artifacts', () => {
  it("hands a job's artifacts to the jobs that need it, and only to them", async () => {
    const { statuses, stdoutOf, events } = await run([
      makeJob('build', [{ run: 'mkdir -p out && echo built > out/app.txt && echo scratch > tmp.txt' }], { artifacts: { paths: ['out'] } }),
      makeJob('test', [{ run: 'cat out/app.txt; test ! -e tmp.txt' }], { needs: ['build'] }),
      makeJob('other', [{ run: 'test ! -e out' }]),
    ]);
    expect(statuses).toEqual({ build: 'succeeded', test: 'succeeded', other: 'succeeded' });
    expect(stdoutOf('test')).toBe('built\n');
    const system = events.filter((e) => e.type === 'output' && e.stream === 'system').map((e) => (e.type === 'output' ? e.text : ''));
    expect(system).toContain('artifacts: kept 1 file(s) as build\n');
    expect(system).toContain('artifacts: downloaded build (1 file(s))\n');
  });

  it('keeps the artifacts of a failed job only when artifacts:when is always or on_failure', async () => {
    const { statuses, events } = await run([
      makeJob('always', [{ run: 'echo r > report.txt; exit 2' }], { artifacts: { paths: ['report.txt'], when: 'always' } }),
      makeJob('plain', [{ run: 'echo r > report.txt; exit 2' }], { artifacts: { paths: ['report.txt'] } }),
      makeJob('fine', [{ run: 'echo r > report.txt' }], { artifacts: { paths: ['report.txt'], when: 'on_failure' } }),
    ]);
    expect(statuses).toEqual({ always: 'failed', plain: 'failed', fine: 'succeeded' });
    const kept = events.filter((e) => e.type === 'output' && e.stream === 'system' && e.text.startsWith('artifacts: kept'));
    expect(kept.map((e) => (e.type === 'output' ? e.jobId : ''))).toEqual(['always']);
  });
});

describe('runPlanLocally caches', () => {
  const systemLines = (events: RunEvent[], jobId: string) =>
    events.filter((e) => e.type === 'output' && e.stream === 'system' && e.jobId === jobId).map((e) => (e.type === 'output' ? e.text.trimEnd() : ''));
  const cachedJob = (extra = '') =>
    makeJob('deps', [{ run: `if [ -e vendor/lib.txt ]; then echo "cached $(cat vendor/lib.txt)"; else mkdir -p vendor && echo v1 > vendor/lib.txt && echo fresh; fi${extra}` }], {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: `${{ hashFiles(...) }}` is pipeline syntax, not a template
      cache: [{ key: "deps-${{ hashFiles('lock.txt') }}", paths: ['vendor'], restoreKeys: ['deps-'] }],
    });

  it('keeps a cache between runs of one repository: saved after a success, restored exactly, by a restore key when the key changed', async () => {
    const repoDir = await makeRepo();
    await writeFile(path.join(repoDir, 'lock.txt'), 'one\n');
    git(repoDir, 'add', '.');
    git(repoDir, 'commit', '-q', '-m', 'lock');

    const first = await run([cachedJob()], { repoDir });
    expect(first.stdoutOf('deps')).toBe('fresh\n');
    const saved = systemLines(first.events, 'deps').find((line) => line.startsWith('cache: saved'));
    expect(saved).toMatch(/^cache: saved 1 file\(s\) as 'deps-[0-9a-f]{64}'$/);
    const key = /'(deps-[0-9a-f]+)'/.exec(saved!)![1]!;

    const second = await run([cachedJob()], { repoDir });
    expect(second.stdoutOf('deps')).toBe('cached v1\n');
    expect(systemLines(second.events, 'deps')).toEqual([`cache: restored 1 file(s) from '${key}'`, `cache: '${key}' was restored exactly; not saving it again`]);

    // Another lock file: a new key, restored from the old entry by its prefix, then saved under the new one.
    await writeFile(path.join(repoDir, 'lock.txt'), 'two\n');
    git(repoDir, 'commit', '-q', '-am', 'lock two');
    const third = await run([cachedJob()], { repoDir });
    expect(third.stdoutOf('deps')).toBe('cached v1\n');
    const lines = systemLines(third.events, 'deps');
    expect(lines[0]).toMatch(new RegExp(`^cache: restored 1 file\\(s\\) from '${key}' \\(restore key, for 'deps-[0-9a-f]{64}'\\)$`));
    expect(lines[1]).toMatch(/^cache: saved 1 file\(s\) as 'deps-[0-9a-f]{64}'$/);
    expect(lines[1]).not.toContain(key);
  });

  it('saves nothing after a failed job', async () => {
    const repoDir = await makeRepo();
    const failed = await run([cachedJob('; exit 3')], { repoDir });
    expect(failed.statuses).toEqual({ deps: 'failed' });
    expect(systemLines(failed.events, 'deps').some((line) => line.startsWith('cache: saved'))).toBe(false);
    const next = await run([cachedJob()], { repoDir });
    expect(next.stdoutOf('deps')).toBe('fresh\n');
  });
});
