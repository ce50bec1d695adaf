// The runs list under a big history: GET /api/v1/runs p50/p99 with --runs (100,000) runs and three
// jobs each in the store. The history is written with bulk SQL (generate_series, seeded random), not
// through the API, so it takes seconds: 20 active projects with a skewed share (project-1 has ~22 %,
// project-20 ~1 %) and one archived project (project-21: every 5th of the oldest 5 % of runs, its
// newest run ~95,000 runs back), 60 % of runs on main and the rest on 500 feature
// branches, mostly succeeded with some failed/canceled and the newest 20 queued or running, one run
// every 30 s. Then, sequentially over keep-alive, --requests (200) timed requests after 20 warm-up
// ones for each of: the first page (no filter, default limit 20), one project's first page (the
// biggest and the archived project), the largest page the API serves (limit=1000), and a page deep
// in the history by its cursor (?before=5000). The archived project's page also sits deep in the
// history. The store's plan for both list queries (EXPLAIN ANALYZE) is recorded.
// Run after `npm run build`: node bench/runs-list.mjs [--store both|pglite|postgres] [--runs 100000]
//   [--requests 200] [--no-record]
// PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), a fresh schema dropped
// afterwards. Prints one JSON line and appends a dated line to bench/RESULTS.md. Target: p99 < 50 ms.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchPlatform } from './lib/bench-platform.mjs';
import { percentiles, round } from './lib/bench-runs.mjs';
import { machineFacts, reportResult } from './lib/results-file.mjs';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    'no-record': { type: 'boolean', default: false },
  },
  strict: true,
});
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
const WARMUP = 20;
const PROJECTS = 20;
const TARGET_P99_MS = 50;
const postgresUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const stores = { both: ['pglite', 'postgres'], pglite: ['pglite'], postgres: ['postgres'] }[values.store];
if (!stores) throw new Error(`--store: expected both, pglite or postgres, got '${values.store}'`);

const cases = {
  first: '/api/v1/runs',
  bigProject: '/api/v1/runs?project=bench/project-1',
  archivedProject: `/api/v1/runs?project=bench/project-${PROJECTS + 1}`,
  page1000: '/api/v1/runs?limit=1000',
  // A page deep in the history by cursor (`next` of the page before): runs older than the 5,000th.
  deepByCursor: '/api/v1/runs?before=5000',
};

// Active project k (1..20) is drawn as 1 + floor(20 · u²): low numbers far more often, as real teams
// skew; project 21 only ran long ago.
const seedSql = `
SELECT setseed(0.42);
INSERT INTO projects (name) SELECT 'bench/project-' || k FROM generate_series(1, ${PROJECTS + 1}) AS k;
INSERT INTO runs (project_id, number, ref, commit_sha, trigger, status, pipeline_name, created_at, started_at, finished_at)
SELECT p.id, row_number() OVER (PARTITION BY s.k ORDER BY s.i), s.ref, md5(s.i::text) || substr(md5(s.ref), 1, 8),
  s.trigger, s.status, 'ci', s.created_at,
  CASE WHEN s.status = 'queued' THEN NULL ELSE s.created_at + interval '2 seconds' END,
  CASE WHEN s.status IN ('queued', 'running') THEN NULL ELSE s.created_at + (30 + s.i % 600) * interval '1 second' END
FROM (
  SELECT i,
    CASE WHEN i <= ${RUNS} / 20 AND i % 5 = 0 THEN ${PROJECTS + 1} ELSE 1 + floor(${PROJECTS} * power(random(), 2))::int END AS k,
    CASE WHEN random() < 0.6 THEN 'refs/heads/main' ELSE 'refs/heads/feature-' || (i % 500) END AS ref,
    (ARRAY['push', 'push', 'push', 'pull_request', 'pull_request', 'manual', 'schedule'])[1 + i % 7] AS trigger,
    CASE WHEN i > ${RUNS} - 20 THEN (CASE WHEN i % 2 = 0 THEN 'running' ELSE 'queued' END)
      ELSE (ARRAY['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'failed', 'canceled'])[1 + floor(random() * 9)::int]
    END AS status,
    now() - (${RUNS} - i) * interval '30 seconds' AS created_at
  FROM generate_series(1, ${RUNS}) AS i
) AS s
JOIN projects AS p ON p.name = 'bench/project-' || s.k
ORDER BY s.i;
UPDATE projects SET last_run_number = (SELECT coalesce(max(number), 0) FROM runs WHERE project_id = projects.id);
INSERT INTO jobs (run_id, job_key, stage, status, failure, started_at, finished_at)
SELECT r.id, j.key, j.key,
  CASE r.status
    WHEN 'succeeded' THEN 'succeeded'
    WHEN 'canceled' THEN 'canceled'
    WHEN 'failed' THEN (ARRAY['succeeded', 'failed', 'skipped'])[j.n]
    ELSE (ARRAY['queued', 'pending', 'pending'])[j.n]
  END,
  CASE WHEN r.status = 'failed' AND j.n = 2 THEN '{"kind": "user", "retryable": false, "message": "exit code 1"}'::jsonb END,
  r.started_at, r.finished_at
FROM runs AS r CROSS JOIN (VALUES (1, 'build'), (2, 'test'), (3, 'deploy')) AS j (n, key);
ANALYZE projects;
ANALYZE runs;
ANALYZE jobs;
`;

// The statements src/store/runs/list-runs.ts sends, with the project id as a literal as the server's
// custom plan sees it (columns trimmed: the plan is the same).
const explained = (projectIds) => ({
  first: 'SELECT * FROM runs ORDER BY id DESC LIMIT 20',
  bigProject: `SELECT * FROM runs WHERE project_id = ${projectIds[0]} ORDER BY id DESC LIMIT 20`,
  archivedProject: `SELECT * FROM runs WHERE project_id = ${projectIds[PROJECTS]} ORDER BY id DESC LIMIT 20`,
  page1000: 'SELECT * FROM runs ORDER BY id DESC LIMIT 1000',
});

async function explain(db, sql) {
  const { rows } = await db.query(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`);
  const lines = rows.map((row) => Object.values(row)[0]);
  return {
    nodes: lines.filter((line) => /Scan|Sort/.test(line)).map((line) => line.trim().replace(/\s*\(actual.*$/, '')),
    executionMs: Number(/Execution Time: ([\d.]+)/.exec(lines.join('\n'))?.[1]),
  };
}

async function timeCase(url, path) {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(`${url}${path}`);
    const body = await response.json();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms, count: body.runs.length };
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const samples = [];
  let count = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const sample = await once();
    samples.push(sample.ms);
    count = sample.count;
  }
  return { runsPerPage: count, ...percentiles(samples) };
}

async function measureStore(kind) {
  const platform = await startBenchPlatform({ name: 'runslist', agentMode: 'none', databaseUrl: kind === 'postgres' ? postgresUrl : null });
  try {
    const seedStarted = performance.now();
    await platform.db.exec(seedSql);
    const seedMs = performance.now() - seedStarted;
    const { rows } = await platform.db.query('SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM jobs) AS jobs');
    const timed = {};
    for (const [name, path] of Object.entries(cases)) timed[name] = await timeCase(platform.url, path);
    const projects = await platform.db.query(`SELECT id FROM projects WHERE name LIKE 'bench/project-%' ORDER BY id`);
    const plans = {};
    for (const [name, sql] of Object.entries(explained(projects.rows.map((row) => Number(row.id))))) plans[name] = await explain(platform.db, sql);
    return { store: platform.storeKind, runs: Number(rows[0].runs), jobs: Number(rows[0].jobs), seedMs: Math.round(seedMs), ...timed, plans };
  } finally {
    await platform.stop();
  }
}

const load = { before: loadavg().map(round) };
const result = { bench: 'runs-list', runs: RUNS, requests: REQUESTS, store: stores.join('+') };
let failed = false;
try {
  for (const kind of stores) result[kind] = await measureStore(kind);
  load.after = loadavg().map(round);
  const p99s = stores.flatMap((kind) => Object.keys(cases).map((name) => result[kind][name].p99Ms));
  Object.assign(result, {
    target: `p99<${TARGET_P99_MS}ms`,
    met: p99s.every((p99) => p99 < TARGET_P99_MS),
    ...machineFacts(load),
  });
} catch (error) {
  failed = true;
  console.error(error);
}

if (failed) process.exit(1);
reportResult(result, { record: !values['no-record'] });
