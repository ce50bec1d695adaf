// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ matrix.x }}` is pipeline syntax under test, not a template
import { describe, expect, test } from 'vitest';
import type { Pipeline, Plan } from './model.js';
import { parsePipeline } from './parse-pipeline.js';
import { planPipeline } from './plan-pipeline.js';
import { EXAMPLE_PIPELINE } from './test-support/example-pipeline.js';

function parse(text: string): Pipeline {
  const result = parsePipeline(text, 'p.yml');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return result.pipeline;
}

function plan(text: string): Plan {
  return planPipeline(parse(text));
}

const EXAMPLE = EXAMPLE_PIPELINE;

describe('planPipeline', () => {
  test('the example plans to two jobs, deploy after build, env and network resolved', () => {
    const { name, jobs } = plan(EXAMPLE);
    expect(name).toBe('Build and Deploy');
    expect(jobs.map((j) => [j.id, j.needs])).toEqual([
      ['build', []],
      ['deploy', ['build']],
    ]);
    expect(jobs[0]!.steps).toEqual([
      { index: 0, name: 'checkout', uses: 'git-checkout', with: {}, env: { NODE_ENV: 'test' }, retry: 0, continueOnError: false, network: true },
      { index: 1, name: 'install', run: 'npm ci', with: {}, env: { NODE_ENV: 'test' }, retry: 0, continueOnError: false, network: true },
      { index: 2, name: 'test', run: 'npm test', with: {}, env: { NODE_ENV: 'test' }, timeoutMs: 600_000, retry: 1, continueOnError: false, network: true },
    ]);
    expect(jobs[1]).toMatchObject({ stage: 'deploy', environment: 'production', matrix: {}, if: 'success' });
  });

  test('jobs come after their needs, file order otherwise', () => {
    const { jobs } = plan(`name: p
stages:
  - { name: deploy, needs: [test, lint], steps: [{ run: x }] }
  - { name: test, needs: build, steps: [{ run: x }] }
  - { name: build, steps: [{ run: x }] }
  - { name: lint, steps: [{ run: x }] }
  - { name: docs, steps: [{ run: x }] }
`);
    expect(jobs.map((j) => j.id)).toEqual(['build', 'test', 'lint', 'deploy', 'docs']);
  });

  test('a matrix stage expands to one job per combination; needing it means needing all of them', () => {
    const { jobs } = plan(`name: p
stages:
  - name: test
    matrix:
      os: [linux, macos]
      node: [20, 22]
      exclude: [{ os: macos, node: 20 }]
      include: [{ os: linux, node: 22, coverage: true }, { os: windows, node: 22 }]
    steps: [{ run: npm test }]
  - { name: report, needs: test, steps: [{ run: x }] }
`);
    const ids = ['test[os=linux,node=20]', 'test[os=linux,node=22,coverage=true]', 'test[os=macos,node=22]', 'test[os=windows,node=22]'];
    expect(jobs.map((j) => j.id)).toEqual([...ids, 'report']);
    expect(jobs[1]!.matrix).toEqual({ os: 'linux', node: 22, coverage: true });
    expect(jobs[4]!.needs).toEqual(ids);
  });

  test('${{ matrix.x }} is substituted in step run, name, env and with, and in job env', () => {
    const { jobs } = plan(`name: p
env: { GLOBAL: g }
stages:
  - name: build
    matrix: { arch: [arm64, x64], include: [{ arch: x64, fast: yes }] }
    env: { TARGET: 'linux-\${{ matrix.arch }}' }
    steps:
      - run: make ARCH=\${{matrix.arch}} FAST=\${{ matrix.fast }}
        env: { OUT: 'dist/\${{ matrix.arch }}', TOKEN: '\${{ secrets.TOKEN }}' }
      - { name: 'upload \${{ matrix.arch }}', uses: upload, with: { path: 'dist/\${{ matrix.arch }}' } }
`);
    const [arm, x64] = jobs;
    expect(arm!.steps[0]).toMatchObject({
      name: 'make ARCH=arm64 FAST=',
      run: 'make ARCH=arm64 FAST=',
      // Only matrix expressions are ours; the rest are left for the executor.
      env: { GLOBAL: 'g', TARGET: 'linux-arm64', OUT: 'dist/arm64', TOKEN: '${{ secrets.TOKEN }}' },
    });
    expect(x64!.steps[0]!.run).toBe('make ARCH=x64 FAST=yes');
    expect(x64!.steps[1]).toMatchObject({ name: 'upload x64', uses: 'upload', with: { path: 'dist/x64' } });
  });

  test('env merges pipeline < job < step; network and working directory: step over job', () => {
    const { jobs } = plan(`name: p
env: { A: pipeline, B: pipeline, C: pipeline }
stages:
  - name: a
    env: { B: job, C: job }
    network: false
    working-directory: app
    steps:
      - { run: x, env: { C: step } }
      - { run: y, network: true, working-directory: docs }
`);
    const [first, second] = jobs[0]!.steps;
    expect(first).toMatchObject({ env: { A: 'pipeline', B: 'job', C: 'step' }, network: false, workingDirectory: 'app' });
    expect(second).toMatchObject({ env: { A: 'pipeline', B: 'job', C: 'job' }, network: true, workingDirectory: 'docs' });
  });

  test('unnamed steps are named after the first line of run, shortened, or after uses', () => {
    const long = `echo ${'x'.repeat(80)}`;
    const { jobs } = plan(`name: p
stages:
  - name: a
    steps:
      - run: |

          npm ci
          npm test
      - run: ${long}
      - uses: git-checkout
`);
    const names = jobs[0]!.steps.map((s) => s.name);
    expect(names[0]).toBe('npm ci');
    expect(names[1]).toBe(`${long.slice(0, 59)}…`);
    expect(names[2]).toBe('git-checkout');
  });

  test('job settings carry over from the stage', () => {
    const { jobs } = plan(`name: p
stages:
  - name: a
    if: always()
    continue-on-error: true
    timeout: 1h
    retry: 2
    runs-on: [linux, gpu]
    artifacts: { paths: [dist], expire-in: 1d }
    cache: [{ key: npm, paths: [~/.npm], restore-keys: [npm-] }]
    steps: [{ run: x }]
`);
    expect(jobs[0]).toMatchObject({
      if: 'always',
      continueOnError: true,
      timeoutMs: 3_600_000,
      retry: 2,
      runsOn: ['linux', 'gpu'],
      artifacts: { paths: ['dist'], expireInMs: 86_400_000 },
      cache: [{ key: 'npm', paths: ['~/.npm'], restoreKeys: ['npm-'] }],
    });
  });

  test('the plan does not share arrays with the pipeline it came from', () => {
    const pipeline = parse(EXAMPLE.replace('environment: production', 'runs-on: [linux]'));
    const job = planPipeline(pipeline).jobs[1]!;
    job.runsOn.push('mutated');
    job.steps[0]!.env.X = 'mutated';
    expect(pipeline.stages[1]!.runsOn).toEqual(['linux']);
    expect(pipeline.env).toEqual({ NODE_ENV: 'test' });
  });
});
