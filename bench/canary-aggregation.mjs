// In-process canary aggregation (issue targets): ≥ 5 M events/s on one core, and the memory of 10,000
// concurrent rollouts with 5-minute windows.
// Method, throughput: EVENTS telemetry events of one rollout are generated up front (seeded PRNG;
// canary and baseline tracks alternating, event times rising at EVENT_RATE/s so 1 s buckets fill and
// the 60 s window slides, lognormal-ish latency, 1 % errors, no custom metrics), then fed in one
// synchronous loop into (a) a fresh RolloutWindows (windowSeconds 60, bucketSeconds 1) and (b) a fresh
// createCanaryEngine with the default policy (every window advance runs decide()). REPEATS timed
// passes each after one warm-up pass; median and best events/s are reported. The same loop over the
// parts of an ingest (a no-op loop, checkEvent, the bucket lookup + addEventToBucket, DDSketch.accept
// alone) says where the time goes; a child process runs the windows loop under --cpu-prof and the
// top self-time functions of its profile are reported.
// Method, memory (two child processes, --expose-gc, each ROLLOUTS RolloutWindows with windowSeconds
// 300 and the default 5 s lateness, 306 s of event time so every window is full):
//   uniform — each rollout gets 3 events per 1 s bucket per track (canary + baseline), rollout after
//     rollout; heapUsed + external after gc(), minus before, per rollout. If a dry run of 500 rollouts
//     projects more than MEMORY_LIMIT_MB for ROLLOUTS, the child runs with fewer rollouts and the JSON
//     says so (projected, not measured).
//   spread — all rollouts live at once: second by second of event time, every rollout gets, per track,
//     its own rate of requests (log-uniform between 0.1 and 100 req/s, so a few busy rollouts and many
//     quiet ones; a rate is rounded up or down at random each second), event times random within the
//     second. Reports heap (used + external, after gc), RSS and peak RSS of the process, buckets held,
//     events, and the time to read every rollout's canary and baseline window once (what the engine
//     does per rollout per second of event time).
// Run after `npm run build`:
//   node bench/canary-aggregation.mjs [--events 2000000] [--rollouts 10000] [--only throughput|memory] [--no-record]
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DDSketch } from '@datadog/sketches-js';
import { createManualClock } from '../dist/clock/clock.js';
import { createCanaryEngine } from '../dist/canary/engine/run-engine.js';
import { DEFAULT_POLICY } from '../dist/canary/policy/default-policy.js';
import { addEventToBucket, computeBucketStartMs, createBucket } from '../dist/canary/windows/bucket.js';
import { checkEvent } from '../dist/canary/windows/check-event.js';
import { RolloutWindows } from '../dist/canary/windows/rollout-windows.js';
import { appendResultLine } from './lib/results-file.mjs';
import { createPrng } from './lib/prng.mjs';

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000000' },
    rollouts: { type: 'string', default: '10000' },
    repeats: { type: 'string', default: '5' },
    'no-record': { type: 'boolean', default: false },
    only: { type: 'string' },
    'memory-child': { type: 'string' },
    'spread-child': { type: 'string' },
    'profile-child': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const ROLLOUTS = Number(values.rollouts);
const REPEATS = Number(values.repeats);
const EVENT_RATE = 20_000;
const T0 = 1_700_000_000_000;
const MEMORY_LIMIT_MB = 8_192;
const round2 = (n) => Math.round(n * 100) / 100;


function generateEvents(count) {
  const random = createPrng(1);
  const events = new Array(count);
  for (let i = 0; i < count; i += 1) {
    // exp of a sum of uniforms: a right-skewed latency around 20 ms, 1..~400 ms.
    const latencyMs = 20 * Math.exp((random() + random() + random() - 1.5) * 1.5);
    events[i] = { rollout: 'r1', track: i % 2 === 0 ? 'canary' : 'baseline', eventTimeMs: T0 + Math.floor((i * 1000) / EVENT_RATE), latencyMs, isError: random() < 0.01 };
  }
  return events;
}

/** Runs `pass` once to warm up, then REPEATS timed: events/s median and best. */
function timePasses(count, pass) {
  pass();
  const rates = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const started = process.hrtime.bigint();
    pass();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(count / seconds);
  }
  rates.sort((a, b) => a - b);
  return { medianPerSec: Math.round(rates[Math.floor(rates.length / 2)]), bestPerSec: Math.round(rates.at(-1)) };
}

function feedWindows(events, clock) {
  const windows = new RolloutWindows('r1', clock, { windowSeconds: 60, bucketSeconds: 1 });
  let accepted = 0;
  for (let i = 0; i < events.length; i += 1) if (windows.ingestEvent(events[i]).accepted) accepted += 1;
  if (accepted !== events.length) throw new Error(`only ${accepted} of ${events.length} events accepted: ${JSON.stringify(windows.countRejected())}`);
  return windows;
}

function measureThroughput() {
  const events = generateEvents(EVENTS);
  const clock = createManualClock(events.at(-1).eventTimeMs + 1_000);
  const windows = timePasses(EVENTS, () => feedWindows(events, clock));

  let decisions = 0;
  let evaluations = 0;
  const engine = timePasses(EVENTS, () => {
    const e = createCanaryEngine({ clock, onDecision: () => (decisions += 1), onEvaluation: () => (evaluations += 1) });
    e.startRollout({ id: 'r1', policy: DEFAULT_POLICY, stepStartedMs: T0 });
    for (let i = 0; i < events.length; i += 1) e.ingestEvent(events[i]);
  });

  // The parts of one ingest, each in the same loop shape.
  let sink = 0;
  const emptyLoop = timePasses(EVENTS, () => {
    for (let i = 0; i < events.length; i += 1) sink += events[i].latencyMs;
  });
  const context = { nowMs: clock.now(), watermarkMs: T0 - 5_000, maxFutureSkewMs: 10_000 };
  const check = timePasses(EVENTS, () => {
    for (let i = 0; i < events.length; i += 1) if (checkEvent(events[i], context) === undefined) sink += 1;
  });
  const bucketAdd = timePasses(EVENTS, () => {
    const buckets = { canary: new Map(), baseline: new Map() };
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i];
      const series = buckets[event.track];
      const startMs = computeBucketStartMs(event.eventTimeMs, 1_000);
      let bucket = series.get(startMs);
      if (bucket === undefined) {
        bucket = createBucket(startMs, 0.01);
        series.set(startMs, bucket);
      }
      addEventToBucket(bucket, event);
    }
  });
  const sketchAccept = timePasses(EVENTS, () => {
    const sketch = new DDSketch({ relativeAccuracy: 0.01 });
    for (let i = 0; i < events.length; i += 1) sketch.accept(events[i].latencyMs);
  });
  const rejected = feedWindows(events, clock).countRejected();
  return {
    events: EVENTS,
    eventRatePerSecOfEventTime: EVENT_RATE,
    rolloutWindows: windows,
    canaryEngine: { ...engine, evaluationsPerPass: evaluations / (REPEATS + 1), decisionsPerPass: decisions / (REPEATS + 1) },
    parts: { emptyLoop, checkEvent: check, bucketLookupAndAdd: bucketAdd, ddSketchAcceptOnly: sketchAccept },
    rejected: Object.values(rejected).reduce((n, c) => n + c, 0),
    sink: sink > 0,
  };
}

/** Child: one warm-up and REPEATS passes into RolloutWindows under --cpu-prof. */
function runProfileChild() {
  const events = generateEvents(EVENTS);
  const clock = createManualClock(events.at(-1).eventTimeMs + 1_000);
  timePasses(EVENTS, () => feedWindows(events, clock));
}

/** Self time per function from a .cpuprofile, top `count`, as a share of all non-idle samples. */
function summarizeProfile(profile, count) {
  const hits = new Map();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (['(idle)', '(program)', '(root)'].includes(functionName)) continue;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
    hits.set(key, (hits.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  const total = [...hits.values()].reduce((n, c) => n + c, 0);
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, n]) => `${round2((100 * n) / total)}% ${name}`);
}

async function profileWindows() {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-bench-cpuprof-'));
  try {
    await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, self, '--profile-child', '--events', String(Math.min(EVENTS, 1_000_000)), '--repeats', '2'], {
      timeout: 120_000,
    });
    const [file] = await readdir(dir);
    return summarizeProfile(JSON.parse(await readFile(join(dir, file), 'utf8')), 12);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Child (--expose-gc): `rollouts` full 300 s windows; prints bytes per rollout. */
function runMemoryChild(rollouts) {
  const eventsPerBucket = 3;
  const seconds = 306;
  const clock = createManualClock(T0 + seconds * 1_000 + 1_000);
  const random = createPrng(2);
  const event = { rollout: '', track: 'canary', eventTimeMs: 0, latencyMs: 0, isError: false };
  globalThis.gc();
  const before = process.memoryUsage();
  const all = [];
  const started = Date.now();
  for (let r = 0; r < rollouts; r += 1) {
    const id = `rollout-${r}`;
    const windows = new RolloutWindows(id, clock, { windowSeconds: 300, bucketSeconds: 1 });
    event.rollout = id;
    for (let s = 0; s < seconds; s += 1) {
      for (let k = 0; k < eventsPerBucket; k += 1) {
        for (const track of ['canary', 'baseline']) {
          event.track = track;
          event.eventTimeMs = T0 + s * 1_000 + k * 300;
          event.latencyMs = 20 * Math.exp((random() + random() + random() - 1.5) * 1.5);
          event.isError = random() < 0.01;
          windows.ingestEvent(event);
        }
      }
    }
    all.push(windows);
  }
  const fillMs = Date.now() - started;
  globalThis.gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed + after.external - (before.heapUsed + before.external);
  const buckets = all.reduce((n, w) => n + w.countBuckets(), 0);
  console.log(
    JSON.stringify({
      rollouts,
      bucketsPerRollout: buckets / rollouts,
      heapUsedMb: round2((after.heapUsed - before.heapUsed) / 2 ** 20),
      externalMb: round2((after.external - before.external) / 2 ** 20),
      rssMb: round2(after.rss / 2 ** 20),
      bytesPerRollout: Math.round(bytes / rollouts),
      bytesPerBucket: Math.round(bytes / buckets),
      fillMs,
    }),
  );
}

/** Child (--expose-gc): `rollouts` rollouts live at once with a heavy-tailed spread of traffic; prints memory. */
function runSpreadChild(rollouts) {
  const seconds = 306;
  const tracks = ['canary', 'baseline'];
  const clock = createManualClock(T0 + seconds * 1_000 + 1_000);
  const random = createPrng(3);
  // Requests per second per track, log-uniform in [0.1, 100]: median ~3, mean ~14.5.
  const rates = Array.from({ length: rollouts * tracks.length }, () => 0.1 * 1_000 ** random());
  const event = { rollout: '', track: 'canary', eventTimeMs: 0, latencyMs: 0, isError: false };
  globalThis.gc();
  const before = process.memoryUsage();
  const all = Array.from({ length: rollouts }, (_, r) => new RolloutWindows(`rollout-${r}`, clock, { windowSeconds: 300, bucketSeconds: 1 }));
  let events = 0;
  let accepted = 0;
  const started = Date.now();
  for (let s = 0; s < seconds; s += 1) {
    for (let r = 0; r < rollouts; r += 1) {
      const windows = all[r];
      event.rollout = windows.rollout;
      for (let t = 0; t < tracks.length; t += 1) {
        const rate = rates[r * tracks.length + t];
        const count = Math.floor(rate + random());
        event.track = tracks[t];
        for (let k = 0; k < count; k += 1) {
          event.eventTimeMs = T0 + s * 1_000 + Math.floor(random() * 1_000);
          event.latencyMs = 20 * Math.exp((random() + random() + random() - 1.5) * 1.5);
          event.isError = random() < 0.01;
          if (windows.ingestEvent(event).accepted) accepted += 1;
        }
        events += count;
      }
    }
  }
  const fillMs = Date.now() - started;
  globalThis.gc();
  const after = process.memoryUsage();
  const readStarted = process.hrtime.bigint();
  let p99Sum = 0;
  for (const windows of all) {
    for (const track of tracks) {
      const window = windows.readWindow(track);
      if (window !== undefined && window.requestCount > 0) p99Sum += window.latencyMs.getValueAtQuantile(0.99);
    }
  }
  const readAllWindowsMs = Number(process.hrtime.bigint() - readStarted) / 1e6;
  const bytes = after.heapUsed + after.external - (before.heapUsed + before.external);
  const buckets = all.reduce((n, w) => n + w.countBuckets(), 0);
  console.log(
    JSON.stringify({
      rollouts,
      ratePerTrackPerSec: { min: 0.1, max: 100, mean: round2(rates.reduce((n, r) => n + r, 0) / rates.length) },
      events,
      accepted,
      buckets,
      heapUsedMb: round2((after.heapUsed - before.heapUsed) / 2 ** 20),
      externalMb: round2((after.external - before.external) / 2 ** 20),
      rssMb: round2(after.rss / 2 ** 20),
      maxRssMb: round2(process.resourceUsage().maxRSS / 1024),
      bytesPerRollout: Math.round(bytes / rollouts),
      bytesPerBucket: Math.round(bytes / buckets),
      fillMs,
      readAllWindowsMs: Math.round(readAllWindowsMs),
      p99Finite: Number.isFinite(p99Sum),
    }),
  );
}

async function measureSpread() {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--max-old-space-size=16384', self, '--spread-child', String(ROLLOUTS)], {
    timeout: 600_000,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

async function measureMemory() {
  const child = async (rollouts) => {
    const heapMb = Math.min(MEMORY_LIMIT_MB + 1_024, 16_384);
    const { stdout } = await run(process.execPath, ['--expose-gc', `--max-old-space-size=${heapMb}`, self, '--memory-child', String(rollouts)], {
      timeout: 300_000,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1));
  };
  const dry = await child(500);
  const projectedMb = round2((dry.bytesPerRollout * ROLLOUTS) / 2 ** 20);
  if (projectedMb > MEMORY_LIMIT_MB) {
    const rollouts = Math.floor((MEMORY_LIMIT_MB * 2 ** 20) / dry.bytesPerRollout / 2);
    const measured = await child(rollouts);
    return { target: ROLLOUTS, measuredAt: measured, projectedMbFor10k: round2((measured.bytesPerRollout * ROLLOUTS) / 2 ** 20), ran10k: false, dryRun500: dry };
  }
  const measured = await child(ROLLOUTS);
  return { target: ROLLOUTS, measuredAt: measured, totalMb: round2((measured.bytesPerRollout * ROLLOUTS) / 2 ** 20), ran10k: true, dryRun500: dry };
}

if (values['memory-child'] !== undefined) {
  runMemoryChild(Number(values['memory-child']));
} else if (values['spread-child'] !== undefined) {
  runSpreadChild(Number(values['spread-child']));
} else if (values['profile-child']) {
  runProfileChild();
} else {
  const only = values.only;
  if (only !== undefined && only !== 'throughput' && only !== 'memory') throw new Error(`--only: expected throughput or memory, got '${only}'`);
  const load = { before: loadavg().map(round2) };
  const throughput = only === 'memory' ? undefined : measureThroughput();
  const profileTopSelf = only === 'memory' ? undefined : await profileWindows();
  const memory = only === 'throughput' ? undefined : await measureMemory();
  const spread = only === 'throughput' ? undefined : await measureSpread();
  load.after = loadavg().map(round2);
  const result = {
    bench: 'canary-aggregation',
    ...(only === undefined ? {} : { part: only }),
    throughput,
    profileTopSelf,
    memory,
    spread,
    targets: { eventsPerSec: '>=5000000 on one core', memory: '10k rollouts x 300 s windows: report MB' },
    met: throughput && { eventsPerSec: throughput.rolloutWindows.bestPerSec >= 5_000_000, engineEventsPerSec: throughput.canaryEngine.bestPerSec >= 5_000_000 },
    note: '2 cores shared with other work running at the same time',
    loadavg: load,
    node: process.version,
    cpus: cpus().length,
  };
  console.log(JSON.stringify(result));
  if (!values['no-record']) {
    appendResultLine(join(root, 'bench/RESULTS.md'), `- ${new Date().toISOString()} canary-aggregation: ${JSON.stringify(result)}`);
  }
}
