// The summary table at the top of bench/RESULTS.md: the newest line of each benchmark, read back from
// the log below it, as rows of metric, Slipway, peer (measured in the same run), ratio, target, met.
// Pure: parseResultLines and summaryRows take text and return data; renderResults returns the file.

const round = (value, digits = 2) => (value === undefined || value === null || Number.isNaN(value) ? undefined : Math.round(value * 10 ** digits) / 10 ** digits);
const ratio = (a, b) => (a === undefined || b === undefined || b === 0 ? undefined : round(a / b));
const ms = (value) => (value === undefined ? undefined : `${round(value, 1)} ms`);
const perSec = (value, unit) => (value === undefined ? undefined : `${Math.round(value).toLocaleString('en-US')} ${unit}`);
const load = (result) => result.loadavg?.before?.[0] ?? result.load1;

/** `- <date> <bench>: <json>` lines (and run-dag's prose lines) → {date, bench, result}, file order. */
export function parseResultLines(text) {
  const lines = [];
  for (const line of text.split('\n')) {
    const json = /^- (\S+) ([\w-]+): (\{.*\})\s*$/.exec(line);
    if (json) {
      try {
        lines.push({ date: json[1].slice(0, 10), bench: json[2], result: JSON.parse(json[3]) });
      } catch {
        // A truncated line (a run killed while writing) is skipped.
      }
      continue;
    }
    const dag = /^- (\S+) run-dag (\d+) jobs P=(\d+): slipway (\d+) ms, turbo (\d+) ms \(ratio [\d.]+\), nx (\d+) ms/.exec(line);
    if (dag) {
      lines.push({
        date: dag[1].slice(0, 10),
        bench: 'run-dag',
        result: { jobs: Number(dag[2]), slipwayMs: Number(dag[4]), turboMs: Number(dag[5]), nxMs: Number(dag[6]) },
      });
    }
  }
  return lines;
}

/** One benchmark's newest result → table rows. Unknown benchmarks give none. */
const extractors = {
  'plan-1000': (r) => [{ metric: 'plan a 1,000-job pipeline (median)', slipway: ms(r.medianMs), target: '< 50 ms', met: r.medianMs < 50 }],
  'run-dag': (r) => [
    { metric: `${r.jobs}-job DAG run vs turbo`, slipway: ms(r.slipwayMs), peer: `turbo ${ms(r.turboMs)}`, ratio: ratio(r.slipwayMs, r.turboMs) },
    { metric: `${r.jobs}-job DAG run vs nx`, slipway: ms(r.slipwayMs), peer: `nx ${ms(r.nxMs)}`, ratio: ratio(r.slipwayMs, r.nxMs) },
  ],
  'scheduler-throughput': (r) => [{ metric: `scheduler throughput, ${r.agents} agents, PostgreSQL`, slipway: perSec(r.jobsPerSec, 'jobs/s'), target: '≥ 500 jobs/s', met: r.jobsPerSec >= 500 }],
  'dispatch-latency': (r) => [
    {
      metric: `dispatch p99, job ready → step started (${r.store}${r.agent === 'process' ? ', agent process' : ''}${r.warmStart === false ? ', no warm start' : ''})`,
      slipway: ms(r.fromReadyP99Ms),
      target: '< 25 ms',
      met: r.fromReadyP99Ms < 25,
    },
  ],
  'log-latency': (r) => [
    { metric: `log latency p99, stdout → SSE (${r.store})`, slipway: ms(r.latency?.p99Ms), target: '< 50 ms', met: r.latency?.p99Ms < 50 && r.latency?.lost === 0 },
    { metric: `log throughput per job (${r.store})`, slipway: perSec(r.throughput?.mbPerSec, 'MB/s'), target: '≥ 20 MB/s, 0 lost', met: r.throughput?.mbPerSec >= 20 && r.throughput?.lostBytes === 0 },
  ],
  'log-append': (r) => [{ metric: 'log chunk appends (PGlite / PostgreSQL)', slipway: `${r.pglite?.mbPerSec} / ${r.postgres?.mbPerSec} MB/s`, target: '≥ 20 MB/s', met: r.pglite?.mbPerSec >= 20 }],
  'sse-subscribers': (r) => [
    {
      metric: `${r.subscribers?.toLocaleString('en-US')} SSE log subscribers on one job: delivery p99 (${r.store})`,
      slipway: ms(r.p99Ms),
      target: '< 50 ms, 0 lost, 0 failed',
      met: r.met,
    },
    {
      metric: `${r.subscribers?.toLocaleString('en-US')} SSE log subscribers: server RSS before → peak (${r.store})`,
      slipway: r.memory ? `${Math.round(r.memory.beforeRssMb)} → ${Math.round(r.memory.peakRssMb)} MB` : undefined,
    },
  ],
  'runs-list': (r) =>
    ['pglite', 'postgres']
      .filter((kind) => r[kind])
      .map((kind) => ({
        metric: `runs list p99 with ${r.runs?.toLocaleString('en-US')} runs: first page / one project / archived project / 1,000 runs (${kind})`,
        slipway: [r[kind].first, r[kind].bigProject, r[kind].archivedProject, r[kind].page1000].map((c) => ms(c?.p99Ms)).join(' / '),
        target: '< 50 ms',
        met: ['first', 'bigProject', 'archivedProject', 'page1000'].every((c) => r[kind][c]?.p99Ms < 50),
      })),
  'requeue-after-agent-kill': (r) => [
    { metric: 'requeue after kill -9 of an agent: time beyond the lease (max)', slipway: ms(r.excessMaxMs), target: '< 1,000 ms', met: r.met },
  ],
  'bus-throughput': (r) => [
    { metric: 'bus publish, Redis Streams', slipway: perSec(r.redis?.publishPerSec, 'msg/s'), peer: `redis-benchmark XADD ${perSec(r.peer?.redisBenchmark?.xaddPerSec, '/s')}`, ratio: ratio(r.redis?.publishPerSec, r.peer?.redisBenchmark?.xaddPerSec) },
    { metric: 'bus end to end, memory / NATS', slipway: `${perSec(r.memory?.endToEndPerSec, 'msg/s')} / ${perSec(r.nats?.endToEndPerSec, 'msg/s')}` },
  ],
  'router-overhead': (r) => [
    { metric: 'router added p99 at 2,000 req/s', slipway: ms(r.addedP99Ms?.builtin), peer: `HAProxy ${ms(r.addedP99Ms?.haproxy)}` },
    { metric: 'router max req/s', slipway: perSec(r.builtin?.max?.rps, 'req/s'), peer: `HAProxy ${perSec(r.haproxy?.max?.rps, 'req/s')}`, ratio: ratio(r.builtin?.max?.rps, r.haproxy?.max?.rps) },
  ],
  'verify-vs-hey': (r) => [
    { metric: `load test req/s (target delay ${r.targetDelayMs} ms)`, slipway: perSec(r.slipway?.rps, 'req/s'), peer: `hey ${perSec(r.hey?.rps, 'req/s')}`, ratio: r.ratio?.rps, target: '±10%', met: r.within10?.rps },
    { metric: `load test p99 (target delay ${r.targetDelayMs} ms)`, slipway: ms(r.slipway?.p99Ms), peer: `hey ${ms(r.hey?.p99Ms)}`, ratio: r.ratio?.p99, target: '±10%', met: r.within10?.p99 },
  ],
  'zero-downtime': (r) => [
    {
      metric: 'failed requests during rolling / blue-green / canary at 500 req/s',
      slipway: `${r.rolling?.failed} / ${r.blueGreen?.failed} / ${r.canary?.failed}`,
      target: '0',
      met: r.rolling?.failed === 0 && r.blueGreen?.failed === 0 && r.canary?.failed === 0,
    },
  ],
  'rollback-time': (r) => [
    { metric: `rollback, decision → all traffic on stable (max, ${r.store ?? 'pglite'})`, slipway: ms(r.maxMs), target: '< 1,000 ms', met: r.maxMs < 1000 },
  ],
  'canary-aggregation': (r) => [
    ...(r.throughput
      ? [{ metric: 'telemetry into windows, one core', slipway: perSec(r.throughput.rolloutWindows?.medianPerSec, 'events/s'), target: '≥ 5,000,000 events/s', met: r.throughput.rolloutWindows?.medianPerSec >= 5e6 }]
      : []),
    ...(r.spread
      ? [
          {
            metric: `${r.spread.rollouts?.toLocaleString('en-US')} concurrent rollouts, 5-minute windows: heap / peak RSS`,
            slipway: `${Math.round(r.spread.heapUsedMb + r.spread.externalMb)} MB / ${Math.round(r.spread.maxRssMb)} MB`,
          },
        ]
      : []),
  ],
  'redis-telemetry-throughput': (r) => [
    {
      metric: 'telemetry end to end, producer → Redis Streams → engine windows',
      slipway: perSec(r.product?.eventsPerSec, 'events/s'),
      peer: `redis-benchmark XADD ${perSec(r.peer?.redisBenchmark?.smallEntryPerSec, 'entries/s')}`,
      ratio: r.ratioToSmallXadd,
      target: '≥ 1,000,000 events/s',
      met: r.met,
    },
  ],
  'decision-latency': (r) => [{ metric: 'decision latency p99, event → gRPC watcher (Redis bus)', slipway: ms(r.redis?.p99Ms), target: '< 50 ms', met: r.redis?.p99Ms < 50 }],
};

/**
 * Newest line per benchmark (and per store/variant where one bench has several) → rows, in a fixed order.
 * A memory-only run (`part: 'memory'`, canary-aggregation) is a variant of its own, so it does not hide
 * the newest throughput figures.
 */
export function summaryRows(lines) {
  const newest = new Map();
  for (const line of lines) {
    const r = line.result;
    const variant = `${line.bench}/${r.store ?? ''}/${r.agent ?? 'inprocess'}/${r.warmStart === false ? 'cold' : ''}/${r.targetDelayMs ?? ''}/${r.part === 'memory' ? 'memory' : ''}`;
    newest.set(variant, line);
  }
  const rows = [];
  for (const bench of Object.keys(extractors)) {
    for (const [variant, line] of newest) {
      if (!variant.startsWith(`${bench}/`)) continue;
      for (const row of extractors[bench](line.result)) rows.push({ ...row, date: line.date, load: round(load(line.result), 1) });
    }
  }
  return rows;
}

const cell = (value) => (value === undefined || value === null || value === '' ? '—' : String(value));

/** The whole RESULTS.md: the summary table, then every logged line unchanged. */
export function renderResults(text) {
  const log = text
    .split('\n')
    .filter((line) => line.startsWith('- ') || line.startsWith('  - '))
    .join('\n');
  const rows = summaryRows(parseResultLines(log));
  const table = [
    '| metric | Slipway | peer (same run) | ratio | target | met | date | load |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((row) =>
      `| ${[row.metric, row.slipway, row.peer, row.ratio, row.target, row.met === undefined ? undefined : row.met ? 'yes' : 'no', row.date, row.load].map(cell).join(' | ')} |`,
    ),
  ];
  return [
    '# Benchmark results',
    '',
    '## Summary',
    '',
    'The newest result of each benchmark (`npm run bench` runs them all and rewrites this table; each',
    'script alone appends its line below). Machine: 2 cores shared with other work — the 1-minute load',
    'average when the run began is in the last column.',
    '',
    ...table,
    '',
    '## Every run',
    '',
    log,
    '',
  ].join('\n');
}
