/** Command-line options of bench/run-dag.mjs → validated, defaulted options. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const TOOL_NAMES = ['slipway', 'turbo', 'nx'];

export const USAGE = `usage: node bench/run-dag.mjs [options]
  --jobs N            jobs in the DAG (default 200)
  --width N           jobs per layer (default 10, so 200 jobs = 20 layers)
  --seed N            PRNG seed for the edges (default 1)
  --parallel P        concurrency given to every tool (default os.availableParallelism())
  --repeat R          timed runs per tool, median reported (default 3)
  --only a,b          tools to run, of ${TOOL_NAMES.join(',')} (default all)
  --turbo SPEC        turbo version spec for npm (default 2)
  --nx SPEC           nx version spec for npm (default 22: nx 23+ requires Node >= 22.12)
  --tools-dir DIR     install turbo/nx here once and reuse across runs (default: inside the temp dir)
  --keep              keep the temp dir and print its path
  --no-record         do not append to bench/RESULTS.md (smoke runs)`;

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      jobs: { type: 'string', default: '200' },
      width: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      parallel: { type: 'string', default: String(os.availableParallelism()) },
      repeat: { type: 'string', default: '3' },
      only: { type: 'string', default: TOOL_NAMES.join(',') },
      turbo: { type: 'string', default: '2' },
      nx: { type: 'string', default: '22' },
      'tools-dir': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'no-record': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const only = values.only.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of only) {
    if (!TOOL_NAMES.includes(name)) throw new Error(`--only: unknown tool '${name}' (known: ${TOOL_NAMES.join(', ')})`);
  }
  return {
    help: values.help,
    jobCount: positiveInt('--jobs', values.jobs),
    layerWidth: positiveInt('--width', values.width),
    seed: positiveInt('--seed', values.seed),
    parallel: positiveInt('--parallel', values.parallel),
    repeat: positiveInt('--repeat', values.repeat),
    tools: only,
    turboSpec: values.turbo,
    nxSpec: values.nx,
    toolsDir: values['tools-dir'] ? path.resolve(values['tools-dir']) : undefined,
    keep: values.keep,
    record: !values['no-record'],
  };
}

function positiveInt(flag, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag}: expected a positive integer, got '${text}'`);
  return value;
}
