// Scheduler throughput on real PostgreSQL: 8 agents, each with its own connection pool (as separate
// server processes would have), claim and report N no-op jobs until the queue is empty.
// Run after `npm run build`: node bench/scheduler-throughput.mjs [jobs]
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); works in its own schema, dropped after.
// Prints one JSON line and appends a dated line to bench/RESULTS.md. Target: >= 500 jobs/s.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../dist/clock/clock.js';
import { claimJob, enqueueRun, reportJobResult } from '../dist/scheduler/index.js';
import { applyMigrations, connectPostgres, ensureProject, loadMigrations } from '../dist/store/index.js';
import { appendResultLine } from './lib/results-file.mjs';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 8);
const JOBS = Number(process.argv[2] ?? 5000);
const JOBS_PER_RUN = Number(process.env.BENCH_JOBS_PER_RUN ?? 100);
const LEASE_MS = 60_000;
const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_sched_${randomBytes(4).toString('hex')}`;

const noOpJob = (id) => ({
  id,
  stage: id,
  matrix: {},
  needs: [],
  if: 'success',
  continueOnError: false,
  retry: 0,
  runsOn: [],
  cache: [],
  steps: [{ index: 0, name: 'noop', run: 'true', with: {}, env: {}, retry: 0, continueOnError: false, network: true }],
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round = (ms) => Math.round(ms * 100) / 100;

const admin = await connectPostgres({ databaseUrl, schema, maxConnections: 2 });
const pools = [];
try {
  await applyMigrations(admin, await loadMigrations());
  const project = await ensureProject(admin, { name: 'bench' });
  for (let enqueued = 0; enqueued < JOBS; enqueued += JOBS_PER_RUN) {
    const count = Math.min(JOBS_PER_RUN, JOBS - enqueued);
    const plan = { name: 'bench', jobs: Array.from({ length: count }, (_, i) => noOpJob(`job-${i}`)) };
    await enqueueRun(admin, systemClock, { projectId: project.id, ref: 'main', trigger: 'manual', plan });
  }
  // What autovacuum does within its naptime once the jobs are in (0010 lowers its thresholds for
  // jobs): without statistics on the fresh schema the planner sorts every queued job on each claim.
  await admin.query('ANALYZE jobs');
  for (let i = 0; i < AGENTS; i++) pools.push(await connectPostgres({ databaseUrl, schema, maxConnections: 1 }));

  const claimMs = [];
  const reportMs = [];
  const agent = async (db, agentId) => {
    let done = 0;
    for (;;) {
      const t = performance.now();
      const claimed = await claimJob(db, systemClock, { agentId, labels: [], leaseMs: LEASE_MS });
      claimMs.push(performance.now() - t);
      if (!claimed) return done;
      const r = performance.now();
      const outcome = await reportJobResult(db, systemClock, {
        jobId: claimed.job.id,
        fencingToken: claimed.fencingToken,
        result: { status: 'succeeded', steps: [{ index: 0, status: 'succeeded', exitCode: 0 }] },
      });
      reportMs.push(performance.now() - r);
      if (!outcome.accepted) throw new Error(`report of job ${claimed.job.id} refused: ${outcome.reason}`);
      done++;
    }
  };
  const started = performance.now();
  const perAgent = await Promise.all(pools.map((db, i) => agent(db, `agent-${i}`)));
  const elapsedMs = performance.now() - started;

  const total = perAgent.reduce((a, b) => a + b, 0);
  const { rows } = await admin.query(
    "SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*)::int AS runs FROM runs",
  );
  if (total !== JOBS || rows[0].succeeded !== rows[0].runs) {
    throw new Error(`expected ${JOBS} jobs done and every run succeeded, got ${total} jobs, ${JSON.stringify(rows[0])}`);
  }
  const sortedClaim = [...claimMs].sort((a, b) => a - b);
  const sortedReport = [...reportMs].sort((a, b) => a - b);
  const result = {
    bench: 'scheduler-throughput',
    jobsPerSec: Math.round((JOBS / elapsedMs) * 1000),
    agents: AGENTS,
    jobs: JOBS,
    jobsPerRun: JOBS_PER_RUN,
    elapsedMs: Math.round(elapsedMs),
    claimP50Ms: round(quantile(sortedClaim, 0.5)),
    claimP95Ms: round(quantile(sortedClaim, 0.95)),
    reportP50Ms: round(quantile(sortedReport, 0.5)),
    reportP95Ms: round(quantile(sortedReport, 0.95)),
    jobsPerAgent: perAgent,
    target: '>=500 jobs/s',
    postgres: (await admin.query('SHOW server_version')).rows[0].server_version,
    node: process.version,
    cpus: cpus().length,
  };
  console.log(JSON.stringify(result));
  appendResultLine(
    join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'),
    `- ${new Date().toISOString()} ${result.bench}: ${JSON.stringify(result)}`,
  );
} finally {
  await Promise.all(pools.map((db) => db.close()));
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.close();
}
