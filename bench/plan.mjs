// Times parse + validate + plan of a generated 1,000-job pipeline (target: under 50 ms), and
// parse + validate of the same file with one error (the positioned path that places errors).
// Run after `npm run build`: node bench/plan.mjs
// Prints one JSON line and appends a dated line to bench/RESULTS.md.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${{ matrix.x }}` is pipeline syntax, not a template
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePipeline, planPipeline } from '../dist/pipeline/index.js';

const TARGET_JOBS = 1000;
const WARMUP = 10;
const ITERATIONS = 20;

/**
 * A layered DAG: 8 stages per layer, each needing 1-3 stages of the layer before; every 4th stage
 * is a matrix (3 os x 4 node, 2 excluded = 10 jobs) with `${{ matrix.* }}` in env and run.
 * Deterministic (fixed-seed Park-Miller generator), so every run measures the same file.
 */
function generatePipeline(targetJobs) {
  let seed = 42;
  // Park-Miller: the product stays below 2^53, so it is exact in a double.
  const random = (n) => {
    seed = (seed * 48271) % 2147483647;
    return seed % n;
  };
  const width = 8;
  const lines = ['name: bench-1000', 'trigger: { branches: [main] }', 'env: { CI: true, NODE_ENV: test }', 'stages:'];
  let jobs = 0;
  for (let i = 0; jobs < targetJobs; i++) {
    const layer = Math.floor(i / width);
    lines.push(`  - name: s${i}`);
    if (layer > 0) {
      const needs = new Set();
      const count = 1 + random(3);
      while (needs.size < count) needs.add(`s${(layer - 1) * width + random(width)}`);
      lines.push(`    needs: [${[...needs].join(', ')}]`);
    }
    const matrix = i % 4 === 3;
    if (matrix) {
      lines.push('    matrix:', '      os: [linux, macos, windows]', '      node: [18, 20, 22, 24]');
      lines.push('      exclude: [{ os: windows, node: 18 }, { os: macos, node: 18 }]');
      lines.push("    env: { TARGET: '${{ matrix.os }}-${{ matrix.node }}' }");
      jobs += 10;
    } else {
      lines.push(`    env: { SHARD: '${i}' }`);
      jobs += 1;
    }
    lines.push('    timeout: 20m', '    steps:', '      - uses: git-checkout', '      - { name: install, run: npm ci, retry: 1 }');
    lines.push(matrix ? "      - run: npm test -- --node=${{ matrix.node }}" : `      - run: npm test -- --shard=${i}`);
  }
  return `${lines.join('\n')}\n`;
}

function runOnce(text) {
  const parsed = parsePipeline(text, 'bench.pipeline.yml');
  if (!parsed.ok) throw new Error(`generated pipeline is invalid: ${JSON.stringify(parsed.diagnostics.slice(0, 3))}`);
  return planPipeline(parsed.pipeline);
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Wall times of each function over ITERATIONS rounds after WARMUP rounds, interleaved so that both
 * see the same machine load (shared CI hosts are noisy); results are in round order.
 */
function measure(...fns) {
  for (let i = 0; i < WARMUP; i++) for (const fn of fns) fn();
  const times = fns.map(() => []);
  for (let i = 0; i < ITERATIONS; i++) {
    fns.forEach((fn, k) => {
      const started = performance.now();
      fn();
      times[k].push(performance.now() - started);
    });
  }
  return times;
}

const sorted = (list) => [...list].sort((a, b) => a - b);

const text = generatePipeline(TARGET_JOBS);
const jobs = runOnce(text).jobs.length;
// A valid file takes the fast read; a file with one mistake (a misspelt key at the very end) takes
// the positioned `yaml` read that places every error: both paths are measured in the same rounds.
const broken = `${text}    nedds: [s0]\n`;
if (parsePipeline(broken, 'bench.pipeline.yml').ok) throw new Error('the broken variant should be invalid');
const [rounds, errorRounds] = measure(
  () => runOnce(text),
  () => parsePipeline(broken, 'bench.pipeline.yml'),
);
const times = sorted(rounds);
const round = (ms) => Math.round(ms * 100) / 100;
const result = {
  bench: 'plan-1000',
  medianMs: round(quantile(times, 0.5)),
  p95Ms: round(quantile(times, 0.95)),
  minMs: round(times[0]),
  // parse + validate of the same file with one error, located at file:line:col.
  withErrorMedianMs: round(quantile(sorted(errorRounds), 0.5)),
  jobs,
  stages: text.split('\n').filter((line) => line.startsWith('  - name: ')).length,
  yamlBytes: Buffer.byteLength(text),
  iterations: ITERATIONS,
  target: '<50ms',
  node: process.version,
  cpus: cpus().length,
};
console.log(JSON.stringify(result));

const resultsPath = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
if (!existsSync(resultsPath)) writeFileSync(resultsPath, '# Benchmark results\n\nOne line per run: date, bench, result JSON.\n\n');
appendFileSync(resultsPath, `- ${new Date().toISOString()} ${result.bench}: ${JSON.stringify(result)}\n`);
