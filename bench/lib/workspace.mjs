/**
 * Writes one DAG three ways into one directory: a Slipway `.pipeline.yml`, and an npm workspace
 * (one package per job, `needs` as workspace dependencies) that both turbo and nx read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const TASK_NAME = 'noop';

/** `true` for timed runs; for the verification pass, each job appends its name to a log. */
export function noopCommand() {
  return 'true';
}

export function logCommandFor(logPath) {
  return (jobName) => `echo ${jobName} >> '${logPath}'`;
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
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.turbo/\n.nx/\n');
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
