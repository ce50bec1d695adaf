import { relative } from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, loadPipelineFile, planPipeline } from '../../pipeline/index.js';
import type { CommandResult } from '../main.js';

export function registerValidateCommand(program: Command, result: CommandResult): void {
  program
    .command('validate')
    .argument('[file]', 'pipeline file', '.pipeline.yml')
    .summary('check a pipeline file and print every problem as file:line:col')
    .description(
      'Check a pipeline file: YAML syntax, keys, types, durations, needs, cycles and matrices. ' +
        'Prints every problem at once as `file:line:col: message` and exits 1 if there is any.',
    )
    .addHelpText('after', '\nExamples:\n  slipway validate\n  slipway validate ci/.pipeline.yml --json\n')
    .option('--json', 'print the diagnostics (or the planned jobs) as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const parsed = await loadPipelineFile(file);
      if (!parsed.ok) {
        if (options.json) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: parsed.diagnostics })}\n`);
        else for (const d of parsed.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        const n = parsed.diagnostics.length;
        if (!options.json) process.stderr.write(`${n} error${n === 1 ? '' : 's'} in ${relative('.', file) || file}\n`);
        result.exitCode = 1;
        return;
      }
      const plan = planPipeline(parsed.pipeline);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ok: true, name: plan.name, jobs: plan.jobs.map((j) => j.id) })}\n`);
      } else {
        process.stdout.write(`${file}: valid — pipeline '${plan.name}', ${plan.jobs.length} job(s)\n`);
      }
    });
}
