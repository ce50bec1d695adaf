/**
 * The load generator: one keep-alive connection (a lean HTTP/1.1 client, see http1-connection.ts)
 * per unit of concurrency, driven either as a closed model (N workers, each sending its next request
 * when the last one ended) or, when a rate is set, as an open model (requests start on schedule
 * whether or not earlier ones answered, so a slow target shows up as latency and late starts
 * instead of quietly lowering the load). One event loop: at -c 50 against a local target it was idle
 * over half the time (CPU profile), and a prototype with two worker threads of 25 connections each
 * showed no gain in req/s or p99 over one loop on the 2-core bench machine, only more CPU taken from
 * a target that shares it.
 * Always stops: starting ends at the request count or the duration, and each request ends by its timeout.
 */
import { performance } from 'node:perf_hooks';
import { type Clock, systemClock } from '../../clock/clock.js';
import { countDue, countPlanned, scheduledAtMs } from './arrival-schedule.js';
import { buildRequestBytes } from './build-request-bytes.js';
import { createPrng } from '../../clock/create-prng.js';
import { createHttp1Connection, type Http1Connection } from './http1-connection.js';
import { createLoadRecorder, type LoadTestRun } from './load-recorder.js';
import type { LoadTestOptions } from './load-test-options.js';
import type { RequestResult } from './request-result.js';

/**
 * A start this much behind schedule counts as late. Below ~10 ms the count would mostly measure
 * timer granularity and event-loop jitter of the load generator itself, not the target.
 */
export const LATE_START_TOLERANCE_MS = 10;

export interface RunLoadTestDeps {
  /** Wall clock, only for the report's start time. */
  clock?: Clock;
  /** Monotonic ms for latencies and pacing. */
  nowMs?: () => number;
  /** Stops starting requests; those in flight still end (by their timeout at worst). */
  signal?: AbortSignal;
  /**
   * Called between the warm-up and the measured run, when no request is in flight (the CLI settles
   * its heap here, see settle-heap.ts). Also called when there is no warm-up.
   */
  beforeMeasuring?: () => void;
}

/**
 * With `warmupMs`, load runs that long first, with the same options and on the same connections, and
 * its results are dropped; once its requests have all ended, the measured run starts on those warm
 * connections. A warm-up on connections of its own, closed before measuring, left the measured run
 * to open new ones and to re-optimize the code that drives them: at -c 50 its first ~40 ms stalled
 * for 3–6 ms at a time, which alone set p99 of a short run.
 */
export async function runLoadTest(options: LoadTestOptions, deps: RunLoadTestDeps = {}): Promise<LoadTestRun> {
  const nowMs = deps.nowMs ?? (() => performance.now());
  const pool = createConnectionPool(options, nowMs);
  const stopped = () => deps.signal?.aborted === true;
  try {
    // Each phase picks its paths with a PRNG of its own from the seed: the measured run's sequence is
    // the same with or without a warm-up, so a run can be replayed.
    const phase = () => {
      const nextRequest = createRequestPicker(options);
      return { nowMs, stopped, send: () => pool.send(nextRequest()) };
    };
    if (options.warmupMs > 0) {
      const { requests: _requests, ...rest } = options;
      await drive({ ...rest, durationMs: options.warmupMs }, createLoadRecorder('closed', 0, 0), phase());
    }
    deps.beforeMeasuring?.();
    const recorder = createLoadRecorder(options.rate === undefined ? 'closed' : 'open', options.okStatusMin, options.okStatusMax);
    recorder.run.startedAtMs = (deps.clock ?? systemClock).now();
    await drive(options, recorder, phase());
    return recorder.run;
  } finally {
    pool.close();
  }
}

/** One keep-alive connection per unit of concurrency, opened on first use and reused after. */
function createConnectionPool(options: LoadTestOptions, nowMs: () => number) {
  const base = new URL(options.url);
  const connections: Http1Connection[] = [];
  const idle: Http1Connection[] = [];
  const noBody = options.method === 'HEAD';
  return {
    /** Takes an idle connection or opens one; at most `concurrency` are ever in use at once. */
    async send(request: Buffer): Promise<RequestResult> {
      let connection = idle.pop();
      if (connection === undefined) {
        connection = createHttp1Connection({ host: base.hostname, port: Number(base.port || 80), timeoutMs: options.timeoutMs, nowMs });
        connections.push(connection);
      }
      const result = await connection.send(request, noBody);
      idle.push(connection);
      return result;
    },
    close(): void {
      for (const connection of connections) connection.close();
    },
  };
}

interface DriveContext {
  nowMs: () => number;
  stopped: () => boolean;
  send: () => Promise<RequestResult>;
}

/** One phase: starts requests by the closed or the open model until its count or duration, then waits for them all. */
async function drive(options: LoadTestOptions, recorder: ReturnType<typeof createLoadRecorder>, c: DriveContext): Promise<void> {
  const run = recorder.run;
  const t0 = c.nowMs();
  const deadlineMs = t0 + (options.durationMs ?? Number.POSITIVE_INFINITY);
  if (options.rate === undefined) {
    const limit = options.requests ?? Number.POSITIVE_INFINITY;
    const worker = async () => {
      while (!c.stopped() && run.started < limit && c.nowMs() < deadlineMs) {
        run.started += 1;
        recorder.record(await c.send());
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, limit) }, worker));
  } else {
    await runOpenModel(options.rate, options, { nowMs: c.nowMs, t0, deadlineMs, stopped: c.stopped, send: c.send, recorder });
  }
  run.elapsedMs = c.nowMs() - t0;
  run.aborted = c.stopped();
}

interface OpenModelContext {
  nowMs: () => number;
  t0: number;
  deadlineMs: number;
  stopped: () => boolean;
  send: () => Promise<RequestResult>;
  recorder: ReturnType<typeof createLoadRecorder>;
}

async function runOpenModel(rate: number, options: LoadTestOptions, c: OpenModelContext): Promise<void> {
  const run = c.recorder.run;
  const planned = countPlanned(rate, options.requests, options.durationMs);
  const inFlight = new Set<Promise<void>>();
  let wake: () => void = () => {};
  for (;;) {
    const now = c.nowMs();
    if (c.stopped() || now >= c.deadlineMs) break;
    const due = countDue(now - c.t0, rate, planned);
    while (run.started < due && inFlight.size < options.concurrency) {
      if (now - (c.t0 + scheduledAtMs(run.started, rate)) > LATE_START_TOLERANCE_MS) run.lateStarts += 1;
      run.started += 1;
      const pending: Promise<void> = c.send().then((result) => {
        c.recorder.record(result);
        inFlight.delete(pending);
        wake();
      });
      inFlight.add(pending);
    }
    if (run.started >= planned) break;
    // Blocked on slots: a completion wakes us. Otherwise sleep until the next request is due.
    const nextDueMs = run.started < due ? Number.POSITIVE_INFINITY : c.t0 + scheduledAtMs(run.started, rate);
    const sleepMs = Math.min(nextDueMs, c.deadlineMs) - now;
    await new Promise<void>((resolve) => {
      // No duration and blocked on slots: only a completion can wake us (setTimeout(Infinity) fires at 1 ms).
      const timer = Number.isFinite(sleepMs) ? setTimeout(done, Math.max(0, sleepMs)) : undefined;
      function done() {
        clearTimeout(timer);
        wake = () => {};
        resolve();
      }
      wake = done;
    });
  }
  // Due before the stop but never started: the target (or this machine) could not keep up.
  run.missedStarts = Math.max(0, countDue(Math.min(c.nowMs(), c.deadlineMs) - c.t0, rate, planned) - run.started);
  await Promise.all(inFlight);
}

/** Each request's bytes: for the URL's own path, or for one of `paths` picked by the seeded PRNG. */
function createRequestPicker(options: LoadTestOptions): () => Buffer {
  const base = new URL(options.url);
  const build = (url: URL): Buffer => buildRequestBytes({ method: options.method, url, headers: options.headers, body: options.body });
  if (options.paths === undefined) {
    const only = build(base);
    return () => only;
  }
  const targets = options.paths.map((path) => build(new URL(path, base)));
  const random = createPrng(options.seed);
  return () => targets[Math.floor(random() * targets.length)]!;
}
