#!/usr/bin/env node
/**
 * run-dag: wall clock to run a layered DAG of no-op jobs (default 200 jobs, 20 layers of 10),
 * Slipway (`slipway run`) side by side with turbo and nx in the same run on the same graph.
 *
 *   node bench/run-dag.mjs [--jobs 200] [--parallel P] [--repeat 3] [--tools-dir DIR] [--keep]
 *
 * Each tool first gets a verification pass: turbo and nx print their task graph, which must be
 * the DAG edge for edge; then every job writes a timestamped marker in its working directory,
 * and the markers must name every job once, each after the jobs it needs. Then jobs are switched
 * to `true`, each tool gets one untimed warm-up, and `--repeat` timed rounds run the tools in turn
 * (so drift on the machine hits all of them alike). Prints one JSON object; appends a line to
 * bench/RESULTS.md. Progress goes to stderr.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCompletionOrder, checkTaskGraph, countEdges, generateLayeredDag } from './lib/dag.mjs';
import { USAGE, parseOptions } from './lib/options.mjs';
import { appendResultLine } from './lib/results-file.mjs';
import { median, tail, timedRun } from './lib/timed-run.mjs';
import { benchEnv, defineTools, ensurePeerTools } from './lib/tools.mjs';
import {
  createWorkspace,
  markerCommand,
  noopCommand,
  readMarkersInOrder,
  removeRunLeftovers,
  setJobCommands,
} from './lib/workspace.mjs';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function progress(message) {
  process.stderr.write(`[run-dag] ${message}\n`);
}

/** A run that exits non-zero, or whose own output counts fewer tasks than the DAG has, failed. */
async function runChecked(tool, cwd, jobCount) {
  removeRunLeftovers(cwd);
  const result = await timedRun(tool.command, tool.args, { cwd, env: benchEnv() });
  const output = `${result.stdout}\n${result.stderr}`;
  const tasks = tool.countTasks(output);
  let error;
  if (result.exitCode !== 0) error = `exit code ${result.exitCode}${result.signal ? ` (signal ${result.signal})` : ''}`;
  else if (tasks !== undefined && tasks !== jobCount) error = `output reports ${tasks} tasks run, expected ${jobCount}`;
  return { ...result, tasks, error };
}

function failure(message, result) {
  return {
    error: message,
    exitCode: result?.exitCode,
    stdoutTail: result ? tail(result.stdout) : undefined,
    stderrTail: result ? tail(result.stderr) : undefined,
  };
}

async function verifyTool(tool, { workspaceDir, tmpRoot, jobs }) {
  // Before the run: the plan each tool derives from the workspace must be the DAG, edge for edge.
  let taskGraphChecked = false;
  if (tool.readTaskGraph) {
    let problems;
    try {
      problems = checkTaskGraph(jobs, tool.readTaskGraph(workspaceDir, tmpRoot));
    } catch (error) {
      return failure(`task graph: could not read it: ${error.message}`);
    }
    if (problems.length > 0) {
      return failure(`task graph: ${problems.length} problems, first: ${problems.slice(0, 5).join('; ')}`);
    }
    taskGraphChecked = true;
  }
  removeRunLeftovers(workspaceDir);
  setJobCommands(workspaceDir, jobs, markerCommand, `verify ${tool.name}`);
  const result = await runChecked(tool, workspaceDir, jobs.length);
  if (result.error) return failure(`verification run: ${result.error}`, result);
  const lines = readMarkersInOrder(workspaceDir);
  const problems = checkCompletionOrder(jobs, lines);
  if (problems.length > 0) {
    return failure(`verification markers: ${problems.length} problems, first: ${problems.slice(0, 5).join('; ')}`, result);
  }
  return {
    jobsLogged: lines.length,
    outputTaskCount: result.tasks ?? null,
    orderChecked: true,
    taskGraphChecked,
    wallMs: Math.round(result.wallMs),
  };
}

function round2(value) {
  return Math.round(value * 100) / 100;
}

function formatRatio(numerator, denominator) {
  return numerator === undefined || denominator === undefined ? null : Number((numerator / denominator).toFixed(3));
}

function resultLine(report, today) {
  const part = (name) => {
    const entry = report.runs[name];
    if (!entry) return undefined;
    if (entry.skipped) return `${name} skipped (${entry.skipped})`;
    if (entry.error) return `${name} failed (${entry.error.split('\n')[0].slice(0, 80)})`;
    const ms = `${name} ${Math.round(entry.medianMs)} ms`;
    const ratio = name === 'turbo' ? report.slipwayVsTurbo : name === 'nx' ? report.slipwayVsNx : null;
    return ratio === null ? ms : `${ms} (ratio ${ratio.toFixed(2)})`;
  };
  const parts = ['slipway', 'turbo', 'nx'].map(part).filter(Boolean).join(', ');
  const versions = [`node ${report.versions.node}`];
  if (report.versions.turbo) versions.push(`turbo ${report.versions.turbo}`);
  if (report.versions.nx) versions.push(`nx ${report.versions.nx}`);
  return `- ${today} run-dag ${report.jobs} jobs P=${report.parallel}: ${parts} (median of ${report.repeat}; ${versions.join(', ')}; load ${report.loadAverage1m.start}→${report.loadAverage1m.end})`;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const jobs = generateLayeredDag(options);
  // Other work on a 2-core machine skews every tool; recorded so a reader can discount a run.
  const loadAverageAtStart = os.loadavg()[0];
  const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'slipway-run-dag-'));
  const wantsPeers = options.tools.some((name) => name !== 'slipway');
  const versions = { node: process.version, npm: execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim() };
  let workspaceDir;
  try {
    const toolsDir = options.toolsDir ?? tmpRoot;
    if (wantsPeers) {
      progress(`installing turbo@${options.turboSpec} nx@${options.nxSpec} in ${toolsDir}`);
      const installed = ensurePeerTools(toolsDir, options);
      progress(installed.reused ? 'reusing installed tools' : 'installed');
      versions.turbo = installed.turboVersion;
      versions.nx = installed.nxVersion;
    }
    workspaceDir = mkdtempSync(path.join(toolsDir, 'ws-'));
    progress(`workspace ${workspaceDir}: ${jobs.length} jobs, ${countEdges(jobs)} edges`);
    createWorkspace(workspaceDir, jobs, { npmVersion: versions.npm, commandFor: noopCommand });

    const allTools = defineTools({ repoDir, toolsDir, parallel: options.parallel });
    const runs = {};
    const active = [];
    for (const name of options.tools) {
      const tool = allTools[name];
      if (tool.skipped) {
        runs[name] = { skipped: tool.skipped };
        progress(`${name}: skipped (${tool.skipped})`);
        continue;
      }
      progress(`${name}: verification pass`);
      const verified = await verifyTool(tool, { workspaceDir, tmpRoot, jobs });
      runs[name] = verified.error ? verified : { verified, samplesMs: [] };
      if (verified.error) progress(`${name}: FAILED ${verified.error}`);
      else active.push(tool);
    }

    setJobCommands(workspaceDir, jobs, noopCommand, 'noop');
    for (const tool of [...active]) {
      progress(`${tool.name}: warm-up`);
      const result = await runChecked(tool, workspaceDir, jobs.length);
      if (result.error) {
        runs[tool.name] = failure(`warm-up: ${result.error}`, result);
        active.splice(active.indexOf(tool), 1);
      } else runs[tool.name].warmupMs = Math.round(result.wallMs);
    }
    for (let round = 1; round <= options.repeat; round++) {
      for (const tool of [...active]) {
        const result = await runChecked(tool, workspaceDir, jobs.length);
        if (result.error) {
          runs[tool.name] = failure(`timed run ${round}: ${result.error}`, result);
          active.splice(active.indexOf(tool), 1);
          continue;
        }
        runs[tool.name].samplesMs.push(Math.round(result.wallMs));
        progress(`${tool.name}: round ${round}/${options.repeat} ${Math.round(result.wallMs)} ms`);
      }
    }
    for (const tool of active) runs[tool.name].medianMs = Math.round(median(runs[tool.name].samplesMs));

    const msOf = (name) => runs[name]?.medianMs;
    const now = new Date();
    const report = {
      bench: 'run-dag',
      date: now.toISOString(),
      jobs: jobs.length,
      layers: jobs.at(-1).layer + 1,
      edges: countEdges(jobs),
      seed: options.seed,
      parallel: options.parallel,
      repeat: options.repeat,
      slipwayMs: msOf('slipway') ?? null,
      turboMs: msOf('turbo') ?? null,
      nxMs: msOf('nx') ?? null,
      slipwayVsTurbo: formatRatio(msOf('slipway'), msOf('turbo')),
      slipwayVsNx: formatRatio(msOf('slipway'), msOf('nx')),
      versions,
      loadAverage1m: { start: round2(loadAverageAtStart), end: round2(os.loadavg()[0]) },
      runs,
      ...(options.keep ? { tmpDir: tmpRoot, workspaceDir } : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (options.record) appendResultLine(path.join(repoDir, 'bench', 'RESULTS.md'), resultLine(report, report.date.slice(0, 10)));
    return Object.values(runs).some((entry) => entry.error) ? 1 : 0;
  } finally {
    if (!options.keep) {
      rmSync(tmpRoot, { recursive: true, force: true });
      if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
    } else progress(`kept ${tmpRoot}${workspaceDir ? ` and ${workspaceDir}` : ''}`);
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`run-dag: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
