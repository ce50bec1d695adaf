/**
 * The load generator: a keep-alive agent with one socket per unit of concurrency, driven either as a
 * closed model (N workers, each sending its next request when the last one ended) or, when a rate is
 * set, as an open model (requests start on schedule whether or not earlier ones answered, so a slow
 * target shows up as latency and late starts instead of quietly lowering the load).
 * Always stops: starting ends at the request count or the duration, and each request ends by its timeout.
 */
import { Agent, type RequestOptions } from 'node:http';
import { performance } from 'node:perf_hooks';
import { urlToHttpOptions } from 'node:url';
import { type Clock, systemClock } from '../../clock/clock.js';
import { countDue, countPlanned, scheduledAtMs } from './arrival-schedule.js';
import { createPrng } from './create-prng.js';
import { createLoadRecorder, type LoadTestRun } from './load-recorder.js';
import type { LoadTestOptions } from './load-test-options.js';
import { sendRequest } from './send-request.js';

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
}

export async function runLoadTest(options: LoadTestOptions, deps: RunLoadTestDeps = {}): Promise<LoadTestRun> {
  const nowMs = deps.nowMs ?? (() => performance.now());
  const recorder = createLoadRecorder(options.rate === undefined ? 'closed' : 'open', options.okStatusMin, options.okStatusMax);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const nextRequest = createRequestPicker(options, agent);
  const send = () => sendRequest({ request: nextRequest(), body: options.body, timeoutMs: options.timeoutMs, nowMs });
  const run = recorder.run;
  run.startedAtMs = (deps.clock ?? systemClock).now();
  const t0 = nowMs();
  const deadlineMs = t0 + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const stopped = () => deps.signal?.aborted === true;
  try {
    if (options.rate === undefined) {
      const limit = options.requests ?? Number.POSITIVE_INFINITY;
      const worker = async () => {
        while (!stopped() && run.started < limit && nowMs() < deadlineMs) {
          run.started += 1;
          recorder.record(await send());
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency, limit) }, worker));
    } else {
      await runOpenModel(options.rate, options, { nowMs, t0, deadlineMs, stopped, send, recorder });
    }
  } finally {
    agent.destroy();
  }
  run.elapsedMs = nowMs() - t0;
  run.aborted = stopped();
  return run;
}

interface OpenModelContext {
  nowMs: () => number;
  t0: number;
  deadlineMs: number;
  stopped: () => boolean;
  send: () => ReturnType<typeof sendRequest>;
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

/** Each request's target: the URL's own path, or one of `paths` picked by the seeded PRNG. */
function createRequestPicker(options: LoadTestOptions, agent: Agent): () => RequestOptions {
  const base = new URL(options.url);
  const build = (url: URL): RequestOptions => ({ ...urlToHttpOptions(url), agent, method: options.method, headers: options.headers });
  if (options.paths === undefined) {
    const only = build(base);
    return () => only;
  }
  const targets = options.paths.map((path) => build(new URL(path, base)));
  const random = createPrng(options.seed);
  return () => targets[Math.floor(random() * targets.length)]!;
}
