// Throughput of appending one job's log in 256 KiB chunks (target: >= 20 MB/s per job), on the
// embedded PGlite and on PostgreSQL side by side, plus a full read-back of what was written.
// Run after `npm run build`: node bench/log-append.mjs
// PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a throwaway schema.
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appendLogChunk, readLog } from '../dist/logs/index.js';
import { connectPglite, connectPostgres, createRun, createStore, ensureProject } from '../dist/store/index.js';
import { appendResultLine } from './lib/results-file.mjs';

const CHUNK_BYTES = 256 * 1024;
const TOTAL_BYTES = 32 * 1024 * 1024;
const databaseUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Build-log-like text: repetitive words, varying numbers and paths, so compression is realistic. */
function generateLog(bytes) {
  let seed = 7;
  const random = (n) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const words = ['compiling', 'linking', 'testing', 'downloading', 'resolved', 'cached', 'ok', 'PASS', 'warn'];
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `[${String(i).padStart(7, '0')}] ${words[random(words.length)]} src/mod${random(500)}/file-${random(10_000)}.ts (${random(9999)} ms) ${random(2) ? 'ok' : 'done'}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''), 'utf8').subarray(0, bytes);
}

async function measure(db, log) {
  const project = await ensureProject(db, { name: `bench-${randomBytes(4).toString('hex')}` });
  const run = await createRun(db, {
    projectId: project.id,
    ref: 'refs/heads/main',
    commitSha: 'a'.repeat(40),
    trigger: 'manual',
    pipelineName: 'bench',
    jobs: [{ key: 'build', stage: 'build' }],
  });
  const jobId = run.jobs[0].id;
  const started = performance.now();
  for (let offset = 0; offset < log.length; offset += CHUNK_BYTES) {
    await appendLogChunk(db, { jobId, offset, data: log.subarray(offset, offset + CHUNK_BYTES) }, { maxBytes: log.length });
  }
  const appendSeconds = (performance.now() - started) / 1000;
  const readStarted = performance.now();
  let offset = 0;
  const parts = [];
  for (;;) {
    const slice = await readLog(db, { jobId, fromOffset: offset, maxBytes: 1024 * 1024 });
    if (slice.data.length === 0) break;
    parts.push(slice.data);
    offset = slice.nextOffset;
  }
  const readSeconds = (performance.now() - readStarted) / 1000;
  if (!Buffer.concat(parts).equals(log)) throw new Error('read-back differs from what was appended');
  const mb = log.length / 1e6;
  return { mbPerSec: Math.round((mb / appendSeconds) * 10) / 10, readMbPerSec: Math.round((mb / readSeconds) * 10) / 10 };
}

const log = generateLog(TOTAL_BYTES);
const pglite = await createStore(await connectPglite());
const pgliteResult = await measure(pglite.db, log);
await pglite.close();

let postgresResult;
const schema = `bench_${randomBytes(5).toString('hex')}`;
try {
  const postgres = await createStore(await connectPostgres({ databaseUrl, schema, maxConnections: 2 }));
  try {
    postgresResult = await measure(postgres.db, log);
  } finally {
    await postgres.db.query(`DROP SCHEMA "${schema}" CASCADE`);
    await postgres.close();
  }
} catch (error) {
  postgresResult = { skipped: error instanceof Error ? error.message : String(error) };
}

const result = {
  bench: 'log-append',
  // Appends per job, MB = 10^6 bytes; the headline number is PGlite's (the embedded default).
  mbPerSec: pgliteResult.mbPerSec,
  pglite: pgliteResult,
  postgres: postgresResult,
  chunkBytes: CHUNK_BYTES,
  totalBytes: TOTAL_BYTES,
  target: '>=20MB/s',
  node: process.version,
  cpus: cpus().length,
  // Shared hosts: the 1-minute load when the run ended, to read the numbers against.
  load1: Math.round(loadavg()[0] * 10) / 10,
};
console.log(JSON.stringify(result));
appendResultLine(
  join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md'),
  `- ${new Date().toISOString()} ${result.bench}: ${JSON.stringify(result)}`,
);
