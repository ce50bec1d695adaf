import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatDiagnostic, loadPipelineFile } from '../../pipeline/index.js';
import { followRunLogs } from '../follow-run-logs.js';
import { parsePriority } from './parse-number.js';
import type { CommandResult } from '../main.js';
import { addServerOption, clientFor, type ServerOptions } from '../server-option.js';

interface TriggerOptions extends ServerOptions {
  project: string;
  ref: string;
  file: string;
  follow?: boolean;
  priority?: number;
}

export function registerTriggerCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('trigger')
    .summary('start a run of the local pipeline file on a Slipway server')
    .description(
      'Check the local pipeline file (problems are printed as file:line:col and nothing is sent), then ' +
        'start a run of it on the server for --project and --ref. With --follow, stream every job\'s log ' +
        'until the run finishes and exit 0 if it succeeded, 1 otherwise. The pipeline is the local file: ' +
        'reading it from the repository at the ref\'s commit on the server is not supported yet.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  slipway trigger --project acme/web --follow\n' +
        '  slipway trigger --project acme/web --ref release-2 --file ci/.pipeline.yml --server http://ci.example:8080\n',
    )
    .requiredOption('--project <name>', 'the project to run for (created on first use)')
    .option('--ref <ref>', 'the branch or ref the run is for', 'main')
    .option('--file <path>', 'the pipeline file to run', '.pipeline.yml')
    .option('--priority <n>', "this run's priority, -100 to 100 (default: the pipeline's `priority:`, else 0)", parsePriority)
    .option('-f, --follow', "stream the jobs' logs until the run finishes; exit 1 unless it succeeded");
  addServerOption(command).action(async (options: TriggerOptions) => {
    const parsed = await loadPipelineFile(options.file);
    if (!parsed.ok) {
      for (const d of parsed.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      const n = parsed.diagnostics.length;
      process.stderr.write(`${n} error${n === 1 ? '' : 's'} in ${options.file}: nothing was sent to the server\n`);
      result.exitCode = 1;
      return;
    }
    const pipeline = await readFile(options.file, 'utf8');
    const client = clientFor(options);
    const run = await client.triggerRun({
      project: options.project,
      ref: options.ref,
      pipeline,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    });
    process.stdout.write(`run #${run.number} (${run.runId}) queued: jobs ${run.jobs.map((job) => job.key).join(', ')}\n`);
    if (!options.follow) {
      process.stdout.write(`follow it with: slipway logs ${run.runId} -f\n`);
      return;
    }
    const finished = await followRunLogs(client, {
      runId: run.runId,
      jobs: run.jobs,
      prefix: true,
      write: (text) => process.stdout.write(text),
    });
    process.stdout.write(`run #${finished.number} (${finished.id}) ${finished.status}\n`);
    result.exitCode = finished.status === 'succeeded' ? 0 : 1;
  });
}
