/**
 * The three tools under test: how each is installed, invoked, and how its output proves how many
 * tasks it ran.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TASK_NAME } from './workspace.mjs';

const STAMP_FILE = 'bench-tools.json';

/**
 * Installs turbo and nx from the npm registry into `toolsDir` unless a previous run already put
 * the same specs there. The DAG workspace is created *inside* toolsDir, so Node's upward
 * node_modules lookup makes both tools count as locally installed there.
 */
export function ensurePeerTools(toolsDir, { turboSpec, nxSpec }) {
  const wanted = { turbo: turboSpec, nx: nxSpec };
  const stampPath = path.join(toolsDir, STAMP_FILE);
  const installed = existsSync(stampPath) ? JSON.parse(readFileSync(stampPath, 'utf8')) : undefined;
  const reused = installed?.turbo === turboSpec && installed?.nx === nxSpec;
  if (!reused) {
    mkdirSync(toolsDir, { recursive: true });
    writeFileSync(path.join(toolsDir, 'package.json'), '{"name":"dag-bench-tools","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', `turbo@${turboSpec}`, `nx@${nxSpec}`], {
      cwd: toolsDir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(stampPath, `${JSON.stringify(wanted)}\n`);
  }
  return {
    reused,
    turboVersion: readVersion(toolsDir, 'turbo'),
    nxVersion: readVersion(toolsDir, 'nx'),
  };
}

function readVersion(toolsDir, name) {
  return JSON.parse(readFileSync(path.join(toolsDir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Environment shared by every tool: no telemetry, no cloud, no daemon, no TUI, no colours. */
export function benchEnv() {
  return {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    DO_NOT_TRACK: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    TURBO_NO_UPDATE_NOTIFIER: '1',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Both peers start every task through `npm run`; its update check must not add network time.
    npm_config_update_notifier: 'false',
  };
}

/**
 * @returns {Record<string, {name: string, command: string, args: string[], skipped?: string,
 *   countTasks: (output: string) => number|undefined,
 *   readTaskGraph?: (cwd: string, scratchDir: string) => Record<string, string[]>}>}
 * countTasks returns undefined when the tool's output has no count, and readTaskGraph is absent
 * when the tool cannot print its plan (Slipway has no plan output yet: its edges are checked
 * only through the order of the verification markers).
 */
export function defineTools({ repoDir, toolsDir, parallel }) {
  const bin = (name) => path.join(toolsDir, 'node_modules', '.bin', name);
  return {
    slipway: {
      name: 'slipway',
      command: process.execPath,
      args: [path.join(repoDir, 'bin', 'slipway.js'), 'run', '--parallel', String(parallel)],
      skipped: existsSync(path.join(repoDir, 'dist', 'cli', 'main.js')) ? undefined : 'not built',
      // `[j3] succeeded in 12 ms` per job (format of 2026-11); no such line = format changed, so
      // no count rather than a false failure — the verification markers still prove the run.
      countTasks: (output) => {
        const succeeded = new Set([...output.matchAll(/^\[(\S+)\] succeeded in /gm)].map((match) => match[1]));
        return succeeded.size > 0 ? succeeded.size : undefined;
      },
    },
    turbo: {
      name: 'turbo',
      // The bin shim directly, not `npx turbo`: npx would add npm's own start-up to every run,
      // which Slipway (started as `node bin/slipway.js`) does not pay either.
      // No --no-daemon: turbo 2.x no longer uses a daemon for `run` and marks the flag deprecated.
      command: bin('turbo'),
      args: ['run', TASK_NAME, `--concurrency=${parallel}`, '--ui=stream'],
      // `--dry=json` prints the task graph turbo would run, without running it.
      readTaskGraph: (cwd) => {
        const dry = JSON.parse(
          execFileSync(bin('turbo'), ['run', TASK_NAME, '--dry=json'], { cwd, env: benchEnv(), encoding: 'utf8' }),
        );
        const taskGraph = {};
        for (const task of dry.tasks) {
          taskGraph[packageOf(task.taskId, '#')] = task.dependencies.map((id) => packageOf(id, '#'));
        }
        return taskGraph;
      },
      countTasks: (output) => {
        const match = /Tasks:\s+(\d+) successful, (\d+) total/.exec(output);
        return match ? Number(match[1]) : undefined;
      },
    },
    nx: {
      name: 'nx',
      command: bin('nx'),
      args: ['run-many', '-t', TASK_NAME, `--parallel=${parallel}`, '--skip-nx-cache', '--outputStyle=static'],
      // `--graph=FILE.json` writes the task graph nx would run, without running it.
      readTaskGraph: (cwd, scratchDir) => {
        const file = path.join(scratchDir, 'nx-task-graph.json');
        execFileSync(bin('nx'), ['run-many', '-t', TASK_NAME, `--graph=${file}`], {
          cwd,
          env: benchEnv(),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const { tasks } = JSON.parse(readFileSync(file, 'utf8'));
        rmSync(file);
        const taskGraph = {};
        for (const [id, dependencies] of Object.entries(tasks.dependencies)) {
          taskGraph[packageOf(id, ':')] = dependencies.map((dependency) => packageOf(dependency, ':'));
        }
        return taskGraph;
      },
      countTasks: (output) => {
        const match = /Successfully ran target \S+ for (\d+) projects?(?: and (\d+) tasks?)?/.exec(output);
        return match ? Number(match[1]) + Number(match[2] ?? 0) : undefined;
      },
    },
  };
}

/** `j3#noop` (turbo) or `j3:noop` (nx) -> `j3`. */
function packageOf(taskId, separator) {
  return taskId.slice(0, taskId.lastIndexOf(separator));
}
