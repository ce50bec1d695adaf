import { describe, expect, it } from 'vitest';
import { describeDeploymentSpans, describeRunSpans, type FinishedDeploymentRecord, type FinishedRunRecord } from './describe-spans.js';
import { decisionSpanId, deploymentSpanId, deploymentTraceId, jobSpanId, runSpanId, runTraceId } from './trace-ids.js';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, 0) + ms);
const t0 = at(0).getTime();

const run: FinishedRunRecord = {
  id: 41,
  number: 7,
  project: 'shop',
  ref: 'refs/heads/main',
  commitSha: 'a'.repeat(40),
  trigger: 'push',
  status: 'failed',
  pipelineName: 'ci',
  author: 'mia',
  createdAt: at(0),
  finishedAt: at(9_000),
  jobs: [
    { id: 100, jobKey: 'build', stage: 'build', status: 'succeeded', attempt: 1, failure: null, startedAt: at(500), finishedAt: at(4_000) },
    { id: 101, jobKey: 'test', stage: 'test', status: 'failed', attempt: 2, failure: { kind: 'user', retryable: false, message: 'exit code 3' }, startedAt: at(4_200), finishedAt: at(8_900) },
    { id: 102, jobKey: 'deploy', stage: 'deploy', status: 'skipped', attempt: 0, failure: null, startedAt: null, finishedAt: at(8_900) },
  ],
};

describe('trace ids', () => {
  it('are hex of the W3C sizes, the same on every call, and differ between subjects', () => {
    expect(runTraceId(41)).toMatch(/^[0-9a-f]{32}$/);
    expect(runSpanId(41)).toMatch(/^[0-9a-f]{16}$/);
    expect(runTraceId(41)).toBe(runTraceId(41));
    const ids = [runSpanId(41), jobSpanId(41), deploymentSpanId(41), decisionSpanId(41), runSpanId(42)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(deploymentTraceId(41)).not.toBe(runTraceId(41));
    expect(runTraceId(41).startsWith(runSpanId(41))).toBe(false);
    // Fixed forever: a change would split the traces of runs exported before and after it.
    expect([runTraceId(1), runSpanId(1)]).toEqual(['32b428e98537f177aa5919c3d817a575', 'd4e267dc3e563f3e']);
  });
});

describe('describeRunSpans', () => {
  it('makes the run the root span, from trigger to finish, with the run attributes and an error status when it failed', () => {
    const [root] = describeRunSpans(run);
    expect(root).toEqual({
      traceId: runTraceId(41),
      spanId: runSpanId(41),
      name: 'run ci',
      startMs: t0,
      endMs: t0 + 9_000,
      status: { code: 'error', message: 'failed jobs: test' },
      attributes: {
        'slipway.project': 'shop',
        'slipway.run.id': 41,
        'slipway.run.number': 7,
        'slipway.run.status': 'failed',
        'slipway.run.trigger': 'push',
        'slipway.pipeline': 'ci',
        'slipway.run.author': 'mia',
        'vcs.ref.head.name': 'refs/heads/main',
        'vcs.ref.head.revision': 'a'.repeat(40),
      },
    });
    expect(root!.parentSpanId).toBeUndefined();
  });

  it('makes a child span per job that ran, its last attempt, with failure data; skipped jobs have none', () => {
    const jobs = describeRunSpans(run).slice(1);
    expect(jobs.map((span) => span.name)).toEqual(['job build', 'job test']);
    for (const span of jobs) {
      expect(span.traceId).toBe(runTraceId(41));
      expect(span.parentSpanId).toBe(runSpanId(41));
    }
    expect(jobs[0]).toMatchObject({ spanId: jobSpanId(100), startMs: t0 + 500, endMs: t0 + 4_000, status: { code: 'ok' } });
    expect(jobs[1]).toMatchObject({
      spanId: jobSpanId(101),
      status: { code: 'error', message: 'exit code 3' },
      attributes: { 'slipway.job.key': 'test', 'slipway.job.attempt': 2, 'slipway.job.failure.kind': 'user', 'slipway.job.failure.retryable': false, 'slipway.run.id': 41 },
    });
    expect(jobs[0]!.attributes).not.toHaveProperty('slipway.job.failure.kind');
  });

  it('leaves out unknown commits and authors, and never ends a span before it starts', () => {
    const skewed = describeRunSpans({ ...run, status: 'succeeded', commitSha: null, author: null, finishedAt: at(-5), jobs: [] });
    expect(skewed).toHaveLength(1);
    expect(skewed[0]!.attributes).not.toHaveProperty('vcs.ref.head.revision');
    expect(skewed[0]!.attributes).not.toHaveProperty('slipway.run.author');
    expect(skewed[0]).toMatchObject({ startMs: t0, endMs: t0, status: { code: 'ok' } });
    expect(describeRunSpans({ ...run, status: 'canceled' })[0]!.status).toEqual({ code: 'unset' });
  });
});

describe('describeDeploymentSpans', () => {
  const deployment: FinishedDeploymentRecord = {
    id: 5,
    project: 'shop',
    environment: 'production',
    service: 'web',
    version: '1.4.0',
    kind: 'deploy',
    status: 'aborted',
    strategy: 'canary',
    failureMessage: null,
    createdAt: at(5_000),
    finishedAt: at(8_000),
    job: { id: 101, runId: 41, jobKey: 'test' },
    decisions: [
      { sequence: 12, step: 1, action: 'PROMOTE', verdict: 'PASS', reasons: ['error rate 0.1% ≤ 1%'], policyVersion: 'p1', createdAt: at(6_000) },
      { sequence: 15, step: 2, action: 'ROLLBACK', verdict: 'FAIL', reasons: ['p99 latency 900 ms > 500 ms'], policyVersion: 'p1', createdAt: at(7_500) },
    ],
  };

  it("puts a deploy step's deployment under its job in the run's trace, and its decisions under it", () => {
    const [span, ...decisions] = describeDeploymentSpans(deployment);
    expect(span).toMatchObject({
      traceId: runTraceId(41),
      spanId: deploymentSpanId(5),
      parentSpanId: jobSpanId(101),
      name: 'deploy web',
      startMs: t0 + 5_000,
      endMs: t0 + 8_000,
      status: { code: 'error', message: 'aborted: traffic went back to the stable release' },
      attributes: {
        'slipway.project': 'shop',
        'slipway.environment': 'production',
        'slipway.deployment.id': 5,
        'slipway.deployment.strategy': 'canary',
        'slipway.release.version': '1.4.0',
        'slipway.run.id': 41,
        'slipway.job.key': 'test',
      },
    });
    expect(decisions.map((d) => [d.name, d.spanId, d.parentSpanId, d.traceId, d.startMs, d.endMs])).toEqual([
      ['canary PROMOTE', decisionSpanId(12), deploymentSpanId(5), runTraceId(41), t0 + 6_000, t0 + 6_000],
      ['canary ROLLBACK', decisionSpanId(15), deploymentSpanId(5), runTraceId(41), t0 + 7_500, t0 + 7_500],
    ]);
    expect(decisions[1]!.attributes).toMatchObject({
      'slipway.decision.action': 'ROLLBACK',
      'slipway.decision.verdict': 'FAIL',
      'slipway.decision.step': 2,
      'slipway.decision.reasons': ['p99 latency 900 ms > 500 ms'],
      'slipway.deployment.id': 5,
    });
  });

  it('makes a deployment outside a run the root of its own trace; a failure is an error with its message', () => {
    const [span] = describeDeploymentSpans({ ...deployment, job: null, decisions: [], status: 'failed', failureMessage: 'replica web-2 exited 1', kind: 'rollback' });
    expect(span).toMatchObject({ traceId: deploymentTraceId(5), name: 'rollback web', status: { code: 'error', message: 'replica web-2 exited 1' } });
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.attributes).not.toHaveProperty('slipway.run.id');
    expect(describeDeploymentSpans({ ...deployment, status: 'succeeded' })[0]!.status).toEqual({ code: 'ok' });
  });
});
