/**
 * The benchmark's job graph: a layered DAG, generated from a seed so every tool and every run
 * sees the same graph. Pure: no I/O.
 */
import { createPrng } from './prng.mjs';

export { createPrng };

/**
 * `jobCount` jobs in layers of `layerWidth` (the last layer may be narrower). Every job after the
 * first layer needs 1–3 distinct jobs of the layer before it, so the critical path is the layer
 * count and each layer can run `layerWidth` wide.
 * @returns {{name: string, layer: number, needs: string[]}[]} in topological order
 */
export function generateLayeredDag({ jobCount, layerWidth, seed }) {
  const random = createPrng(seed);
  const jobs = [];
  let previousLayer = [];
  for (let layer = 0; jobs.length < jobCount; layer++) {
    const currentLayer = [];
    const size = Math.min(layerWidth, jobCount - jobs.length);
    for (let i = 0; i < size; i++) {
      const name = `j${jobs.length}`;
      const needs = pickDistinct(previousLayer, 1 + Math.floor(random() * 3), random);
      jobs.push({ name, layer, needs });
      currentLayer.push(name);
    }
    previousLayer = currentLayer;
  }
  return jobs;
}

function pickDistinct(pool, count, random) {
  const remaining = [...pool];
  const picked = [];
  while (picked.length < count && remaining.length > 0) {
    picked.push(remaining.splice(Math.floor(random() * remaining.length), 1)[0]);
  }
  return picked.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/**
 * Checks a completion log (one job name per line, in the order jobs finished) against the DAG:
 * every job exactly once, and every job after all the jobs it needs.
 * @returns {string[]} problems; empty when the log proves a complete, correctly ordered run
 */
export function checkCompletionOrder(jobs, logLines) {
  const problems = [];
  const position = new Map();
  logLines.forEach((name, index) => {
    if (position.has(name)) problems.push(`${name} ran more than once`);
    else position.set(name, index);
  });
  const known = new Set(jobs.map((job) => job.name));
  for (const name of position.keys()) {
    if (!known.has(name)) problems.push(`unexpected job ${name} in log`);
  }
  for (const job of jobs) {
    if (!position.has(job.name)) {
      problems.push(`${job.name} never ran`);
      continue;
    }
    for (const need of job.needs) {
      if (position.has(need) && position.get(need) > position.get(job.name)) {
        problems.push(`${job.name} finished before ${need}, which it needs`);
      }
    }
  }
  return problems;
}

/**
 * Compares a tool's own task graph (job name -> names it waits for) with the DAG: same jobs, same
 * edges. The completion log alone is weak evidence of ordering: a tool that ignores the edges can
 * still happen to finish jobs in file order at low parallelism (nx does, without `dependsOn`).
 * @returns {string[]} problems; empty when the graphs are identical
 */
export function checkTaskGraph(jobs, taskGraph) {
  const problems = [];
  const expected = new Map(jobs.map((job) => [job.name, new Set(job.needs)]));
  for (const name of Object.keys(taskGraph)) {
    if (!expected.has(name)) problems.push(`unexpected task ${name}`);
  }
  for (const [name, needs] of expected) {
    const actual = new Set(taskGraph[name] ?? []);
    if (!(name in taskGraph)) {
      problems.push(`task ${name} missing`);
      continue;
    }
    for (const need of needs) if (!actual.has(need)) problems.push(`${name} does not wait for ${need}`);
    for (const extra of actual) if (!needs.has(extra)) problems.push(`${name} waits for ${extra}, not in the DAG`);
  }
  return problems;
}

export function countEdges(jobs) {
  return jobs.reduce((sum, job) => sum + job.needs.length, 0);
}
