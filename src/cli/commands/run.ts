import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, loadPipelineFile, planPipeline } from '../../pipeline/index.js';
import { createTerminalReporter, exitCodeFor, pruneRunDirs, runPlanLocally } from '../../runner/index.js';
import { ensureIgnoredDir } from '../ensure-ignored-dir.js';
import type { CommandResult } from '../main.js';
import { parsePositiveInt } from './parse-number.js';

interface RunOptions {
  file: string;
  parallel?: number;
  color: boolean;
  keepRuns: number;
}

export function registerRunCommand(program: Command, result: CommandResult): void {
  program
    .command('run')
    .summary('run the pipeline of the current directory on this machine')
    .description(
      'Run the pipeline of the current directory on this machine, without a server (like `act`). ' +
        'Each job runs in its own copy of the working tree under .slipway/runs/, independent jobs in ' +
        'parallel; steps are sandboxed with bubblewrap when `bwrap` is installed. Ctrl-C stops every ' +
        'step.\n\nExit status: 0 when the pipeline succeeded, 1 when it failed or is invalid, 130 when ' +
        'interrupted.',
    )
    .addHelpText('after', '\nExamples:\n  slipway run\n  slipway run --parallel 4 --file ci/.pipeline.yml\n')
    .option('-f, --file <path>', 'pipeline file', '.pipeline.yml')
    .option('-p, --parallel <n>', 'jobs running at once (default: number of cores)', parsePositiveInt)
    .option('--keep-runs <n>', 'workspaces of the newest runs kept in .slipway/runs for inspection', parsePositiveInt, 10)
    .option('--no-color', 'plain output without ANSI colours (also: NO_COLOR=1)')
    .action(async (options: RunOptions) => {
      const file = resolve(options.file);
      const parsed = await loadPipelineFile(file);
      if (!parsed.ok) {
        for (const d of parsed.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        result.exitCode = 1;
        return;
      }
      const plan = planPipeline(parsed.pipeline);
      const color = options.color && !process.env['NO_COLOR'] && process.stdout.isTTY === true;
      const reporter = createTerminalReporter({ out: process.stdout, color });

      const interrupt = new AbortController();
      let interrupts = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        interrupts += 1;
        if (interrupts === 1) {
          process.stderr.write(`\n${signal}: stopping every running step (again to force)\n`);
          interrupt.abort();
        } else {
          process.exit(130);
        }
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const stateDir = join(process.cwd(), '.slipway');
      await ensureIgnoredDir(stateDir);
      try {
        const summary = await runPlanLocally(plan, {
          repoDir: process.cwd(),
          env: process.env,
          ...(options.parallel !== undefined ? { maxParallel: options.parallel } : {}),
          signal: interrupt.signal,
          onEvent: (event) => reporter.onEvent(event),
        });
        reporter.finish(summary);
        await pruneRunDirs(join(stateDir, 'runs'), options.keepRuns);
        result.exitCode = summary.status === 'canceled' ? 130 : exitCodeFor(summary);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
