/**
 * Writes one DAG three ways into one directory: a Slipway `.pipeline.yml`, and an npm workspace
 * (one package per job, `needs` as workspace dependencies) that both turbo and nx read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TASK_NAME = 'noop';

/** Written by each job in the verification pass, in the directory the job runs in. */
export const MARKER_FILE = '.bench-done';

/** `true` for timed runs. */
export function noopCommand() {
  return 'true';
}

/**
 * The verification pass: each job writes its name and a nanosecond timestamp into its own
 * working directory. A marker beside the job rather than one shared log, because Slipway runs
 * each step in bubblewrap with only the job's workspace writable (and a private /tmp).
 */
export function markerCommand(jobName) {
  return `echo ${jobName} $(date +%s%N) > ${MARKER_FILE}`;
}

/** Lays out the whole workspace, installs its workspace links, and makes the first commit. */
export function createWorkspace(dir, jobs, { npmVersion, commandFor }) {
  mkdirSync(dir, { recursive: true });
  writeJson(path.join(dir, 'package.json'), {
    name: 'dag-bench-root',
    version: '0.0.0',
    private: true,
    workspaces: ['packages/*'],
    packageManager: `npm@${npmVersion}`,
  });
  // turbo 2 syntax (`tasks`, not 1.x `pipeline`); `^noop` = run noop in dependencies first.
  writeJson(path.join(dir, 'turbo.json'), {
    $schema: 'https://turborepo.com/schema.json',
    tasks: { [TASK_NAME]: { dependsOn: [`^${TASK_NAME}`], cache: false } },
  });
  // nx infers a `noop` target from each package.json script and project edges from workspace
  // dependencies, but only orders tasks along them when the target says `dependsOn: ['^noop']`.
  writeJson(path.join(dir, 'nx.json'), {
    targetDefaults: { [TASK_NAME]: { dependsOn: [`^${TASK_NAME}`], cache: false } },
    useDaemonProcess: false,
    neverConnectToCloud: true,
    analytics: false,
  });
  // Ignored files are not copied into Slipway's per-job workspaces, so stale markers never are.
  writeFileSync(path.join(dir, '.gitignore'), `node_modules/\n.turbo/\n.nx/\n.slipway/\n${MARKER_FILE}\n`);
  writeJobFiles(dir, jobs, commandFor);
  // Only workspace packages are depended on, so this links them and writes the lockfile turbo
  // needs, without touching the registry.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  git(dir, ['init', '-q']);
  commitAll(dir, 'init');
}

/** Rewrites every job's command (package.json scripts and the pipeline) and commits it. */
export function setJobCommands(dir, jobs, commandFor, message) {
  writeJobFiles(dir, jobs, commandFor);
  commitAll(dir, message);
}

function writeJobFiles(dir, jobs, commandFor) {
  for (const job of jobs) {
    const packageDir = path.join(dir, 'packages', job.name);
    mkdirSync(packageDir, { recursive: true });
    writeJson(path.join(packageDir, 'package.json'), {
      name: job.name,
      version: '1.0.0',
      private: true,
      scripts: { [TASK_NAME]: commandFor(job.name) },
      dependencies: Object.fromEntries(job.needs.map((need) => [need, '*'])),
    });
  }
  writeFileSync(path.join(dir, '.pipeline.yml'), renderPipeline(jobs, commandFor));
}

/** JSON strings are valid YAML double-quoted scalars, so JSON.stringify quotes safely. */
export function renderPipeline(jobs, commandFor) {
  const lines = ['name: dag-bench', 'stages:'];
  for (const job of jobs) {
    lines.push(`  - name: ${job.name}`);
    if (job.needs.length > 0) lines.push(`    needs: [${job.needs.join(', ')}]`);
    lines.push('    steps:', `      - run: ${JSON.stringify(commandFor(job.name))}`);
  }
  return `${lines.join('\n')}\n`;
}

function commitAll(dir, message) {
  git(dir, ['add', '-A']);
  git(dir, ['-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', message, '--allow-empty']);
}

function git(dir, args) {
  execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Directories no job runs in; Slipway's own .slipway/ is searched (its job workspaces live there). */
const UNSEARCHED_DIRS = new Set(['node_modules', '.git', '.nx', '.turbo']);

/** Every marker file in the workspace, wherever a tool ran the job (recursive). */
export function findMarkers(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !UNSEARCHED_DIRS.has(entry.name)) found.push(...findMarkers(full));
    else if (entry.isFile() && entry.name === MARKER_FILE) found.push(full);
  }
  return found;
}

/** @returns {string[]} job names in the order their markers were written */
export function readMarkersInOrder(dir) {
  const records = findMarkers(dir).map((file) => {
    const [name, timestamp] = readFileSync(file, 'utf8').trim().split(' ');
    return { name, ns: BigInt(timestamp) };
  });
  records.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  return records.map((record) => record.name);
}

/** Markers and Slipway's per-run job workspaces from an earlier run (not timed). */
export function removeRunLeftovers(dir) {
  rmSync(path.join(dir, '.slipway', 'runs'), { recursive: true, force: true });
  for (const file of findMarkers(dir)) rmSync(file);
}
