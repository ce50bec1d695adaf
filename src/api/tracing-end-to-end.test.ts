import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../clock/clock.js';
import { describePglite } from '../test-support/test-store.js';
import { createTracePublisher, runTraceId, type TracePublisher } from '../tracing/index.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../tracing/test-support/otlp-receiver.js';
import { startTestPlatform, type TestPlatform } from './test-support/start-test-platform.js';
import { waitFor } from './test-support/wait-for.js';

// Two jobs, one after the other; the second fails, so its span and the run's are errors.
const pipeline = [
  'name: ci',
  'stages:',
  '  - name: build',
  '    steps:',
  '      - { name: compile, run: "echo built" }',
  '  - name: test',
  '    steps:',
  '      - { name: unit, run: "echo broken; exit 3" }',
  '',
].join('\n');

describePglite('OpenTelemetry traces end to end (a real agent, the OTLP/HTTP exporter, a loopback collector)', (harness) => {
  let platform: TestPlatform | undefined;
  let receiver: OtlpReceiver;
  let workDir: string;
  const publishers: TracePublisher[] = [];
  const project = `trace-e2e-${Date.now().toString(36)}`;

  const startPublisher = async (exportTimeoutMs?: number) => {
    const publisher = createTracePublisher({
      ...(exportTimeoutMs === undefined ? {} : { exportTimeoutMs }),
      db: harness.db,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      tracesUrl: `${receiver.url}/v1/traces`,
      serviceName: 'slipway-test',
      serviceVersion: 'test',
      pollIntervalMs: 100,
    });
    publishers.push(publisher);
    await publisher.start();
    return publisher;
  };
  const startRun = async () => {
    const posted = await fetch(`${platform!.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ project, ref: 'main', pipeline }),
    });
    if (posted.status !== 201) throw new Error(await posted.text());
    const runId = ((await posted.json()) as { runId: number }).runId;
    await waitFor(`run ${runId} to finish`, async () => {
      const run = (await (await fetch(`${platform!.url}/api/v1/runs/${runId}`)).json()) as { status: string };
      return ['succeeded', 'failed', 'canceled'].includes(run.status) ? run.status : undefined;
    });
    return runId;
  };
  const spansOf = (runId: number): ReceivedSpan[] => receiver.spans.filter((span) => span.traceId === runTraceId(runId));
  const traceOf = (runId: number) => waitFor(`the trace of run ${runId}`, async () => (spansOf(runId).length >= 3 ? spansOf(runId) : undefined), 15_000);

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-trace-'));
    receiver = await startOtlpReceiver();
    platform = await startTestPlatform(harness.db, { agent: { name: 'trace-test', capacity: 1, workDir } });
  });
  afterAll(async () => {
    for (const publisher of publishers) await publisher.stop();
    await platform?.stop();
    await receiver?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('exports one trace per run: the run span with a child span per job, with their times and attributes', async () => {
    await startPublisher();
    const runId = await startRun();
    const spans = await traceOf(runId);
    expect(spans).toHaveLength(3);
    const root = spans.find((span) => span.parentSpanId === undefined)!;
    const jobs = spans.filter((span) => span !== root).sort((a, b) => a.startMs - b.startMs);
    expect(root).toMatchObject({
      name: 'run ci',
      status: { code: 2, message: 'failed jobs: test' },
      attributes: { 'slipway.project': project, 'slipway.run.id': runId, 'slipway.run.number': 1, 'slipway.run.status': 'failed', 'vcs.ref.head.name': 'main' },
      resource: { 'service.name': 'slipway-test', 'service.version': 'test' },
      scope: 'slipway',
    });
    expect(jobs.map((span) => [span.name, span.parentSpanId, span.status.code])).toEqual([
      ['job build', root.spanId, 1],
      ['job test', root.spanId, 2],
    ]);
    expect(jobs[1]!.status.message).toMatch(/exit/);
    expect(jobs[0]!.attributes).toMatchObject({ 'slipway.job.key': 'build', 'slipway.job.status': 'succeeded', 'slipway.job.attempt': 1, 'slipway.run.id': runId });
    expect(jobs[1]!.attributes).toMatchObject({ 'slipway.job.key': 'test', 'slipway.job.failure.kind': 'user' });
    // Within the run (the store keeps microseconds, a Date milliseconds: 1 ms of slack), in order.
    const { rows } = await harness.db.query<{ createdAt: Date; finishedAt: Date }>('SELECT created_at AS "createdAt", finished_at AS "finishedAt" FROM runs WHERE id = $1', [runId]);
    expect(root.startMs).toBe(rows[0]!.createdAt.getTime());
    expect(root.endMs).toBe(rows[0]!.finishedAt.getTime());
    for (const job of jobs) {
      expect(job.startMs).toBeGreaterThanOrEqual(root.startMs - 1);
      expect(job.endMs).toBeLessThanOrEqual(root.endMs + 1);
      expect(job.endMs).toBeGreaterThan(job.startMs);
    }
    expect(jobs[1]!.startMs).toBeGreaterThanOrEqual(jobs[0]!.endMs - 1);
  });

  it('exports nothing twice: not after a restart of the exporter, not with two exporters on one store', async () => {
    const [first] = publishers.splice(0, 1);
    await first!.stop();
    const before = receiver.spans.length;
    // A restarted exporter and a second replica's, both polling the same store. start() returns after
    // the first poll, which re-read the first run (finished within the overlap behind the watermark).
    await startPublisher();
    await startPublisher();
    const runId = await startRun();
    await traceOf(runId);
    // Proving an absence: a few more polls of both (100 ms apart), then stop(), which waits for the
    // poll in progress and flushes the exporter, so anything wrongly claimed has arrived by then.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const publisher of publishers) await publisher.stop();
    publishers.length = 0;
    expect(spansOf(runId)).toHaveLength(3);
    expect(receiver.spans.length - before).toBe(3);
    const ids = receiver.spans.map((span) => span.spanId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the spans of failed exports and sends them once the collector is back, each once', async () => {
    await startPublisher(500);
    receiver.failing = true;
    const refusedBefore = receiver.refused;
    const runId = await startRun();
    // Several polls (100 ms apart) find the collector down; each export of the run's spans fails.
    await waitFor('exports to fail', async () => (receiver.refused - refusedBefore >= 3 ? true : undefined), 15_000);
    expect(spansOf(runId)).toHaveLength(0);
    receiver.failing = false;
    const spans = await traceOf(runId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(spansOf(runId)).toHaveLength(3);
    expect(spans.map((span) => span.name).sort()).toEqual(['job build', 'job test', 'run ci']);
  });
});
