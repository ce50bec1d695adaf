// Runs every benchmark, one after another (each appends its own dated line to bench/RESULTS.md),
// then rewrites the summary table at the top of that file from the newest line of each (bench/lib/
// summary.mjs). PostgreSQL runs use DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
// `npm run bench` builds first and runs this.
// node bench/run-all.mjs [--only plan,dispatch-latency] [--skip run-dag] [--summary-only]
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderResults } from './lib/summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    skip: { type: 'string' },
    'summary-only': { type: 'boolean', default: false },
  },
  strict: true,
});
const postgres = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Each entry: a name for --only/--skip, the script and its arguments, and extra environment. */
const runs = [
  { name: 'plan', script: 'plan.mjs' },
  { name: 'scheduler-throughput', script: 'scheduler-throughput.mjs', env: { DATABASE_URL: postgres } },
  { name: 'dispatch-latency', script: 'dispatch-latency.mjs', args: ['--agent', 'process'] },
  { name: 'dispatch-latency', script: 'dispatch-latency.mjs', args: ['--agent', 'process'], env: { DATABASE_URL: postgres } },
  { name: 'log-latency', script: 'log-latency.mjs' },
  { name: 'log-latency', script: 'log-latency.mjs', env: { DATABASE_URL: postgres } },
  { name: 'sse-subscribers', script: 'sse-subscribers.mjs' },
  { name: 'sse-subscribers', script: 'sse-subscribers.mjs', env: { DATABASE_URL: postgres } },
  { name: 'runs-list', script: 'runs-list.mjs', env: { DATABASE_URL: postgres } },
  { name: 'log-append', script: 'log-append.mjs' },
  { name: 'requeue-after-agent-kill', script: 'requeue-after-agent-kill.mjs', env: { DATABASE_URL: postgres } },
  { name: 'bus-throughput', script: 'bus-throughput.mjs' },
  { name: 'decision-latency', script: 'decision-latency.mjs' },
  { name: 'canary-aggregation', script: 'canary-aggregation.mjs' },
  { name: 'redis-telemetry-throughput', script: 'redis-telemetry-throughput.mjs' },
  { name: 'router-overhead', script: 'router-overhead.mjs' },
  { name: 'verify-vs-hey', script: 'verify-vs-hey.mjs' },
  { name: 'verify-vs-hey', script: 'verify-vs-hey.mjs', args: ['--delay-ms', '0'] },
  { name: 'zero-downtime', script: 'zero-downtime.mjs' },
  { name: 'rollback-time', script: 'rollback-time.mjs', env: { DATABASE_URL: postgres } },
  { name: 'run-dag', script: 'run-dag.mjs' },
];
const only = values.only?.split(',');
const skip = values.skip?.split(',') ?? [];
const selected = values['summary-only'] ? [] : runs.filter((run) => (!only || only.includes(run.name)) && !skip.includes(run.name));

const failures = [];
for (const run of selected) {
  const label = [run.script, ...(run.args ?? []), ...Object.keys(run.env ?? {})].join(' ');
  process.stderr.write(`\n== ${label}\n`);
  const started = Date.now();
  const child = spawnSync(process.execPath, [join(here, run.script), ...(run.args ?? [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...run.env },
  });
  process.stderr.write(`== ${label}: exit ${child.status ?? child.signal} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (child.status !== 0) failures.push(label);
}

const resultsFile = join(here, 'RESULTS.md');
writeFileSync(resultsFile, renderResults(readFileSync(resultsFile, 'utf8')));
process.stderr.write(`\nsummary written to ${resultsFile}${failures.length ? `; failed: ${failures.join(', ')}` : ''}\n`);
process.exit(failures.length === 0 ? 0 : 1);
