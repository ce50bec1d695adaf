import type { Command } from 'commander';
import { formatDurationMs } from '../../runner/index.js';
import { formatAge, formatTable } from '../format-table.js';
import type { CommandResult } from '../main.js';
import { addServerOption, clientFor, type ServerOptions } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';

interface RunsOptions extends ServerOptions {
  project?: string;
  limit: number;
  before?: number;
}

export function registerRunsCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('runs')
    .argument('[run-id]', 'show this run\'s jobs instead of the list', parsePositiveInt)
    .summary('list recent runs on a Slipway server, or one run\'s jobs')
    .description(
      'Without an id, list the newest runs (number, project, ref, status, age), optionally of one project. ' +
        'With a run id, list that run\'s jobs (key, status, attempt, duration).',
    )
    .addHelpText('after', '\nExamples:\n  slipway runs\n  slipway runs --project acme/web --limit 5\n  slipway runs --before 120\n  slipway runs 42\n')
    .option('--project <name>', 'only this project\'s runs')
    .option('--limit <n>', 'at most this many runs', parsePositiveInt, 20)
    .option('--before <run-id>', 'only runs older than this run id (the next page: the command prints its value)', parsePositiveInt);
  addServerOption(command).action(async (runId: number | undefined, options: RunsOptions) => {
    const client = clientFor(options);
    const now = Date.now();
    if (runId === undefined) {
      const { runs, next } = await client.listRuns({
        limit: options.limit,
        ...(options.project === undefined ? {} : { project: options.project }),
        ...(options.before === undefined ? {} : { before: options.before }),
      });
      if (runs.length === 0) {
        process.stdout.write(options.before === undefined ? 'no runs yet: start one with `slipway trigger --project NAME`\n' : `no runs before ${options.before}\n`);
        return;
      }
      const rows = runs.map((run) => [`#${run.number}`, String(run.id), run.project ?? '', run.ref, run.status, formatAge(run.createdAt, now)]);
      process.stdout.write(`${formatTable(['RUN', 'ID', 'PROJECT', 'REF', 'STATUS', 'AGE'], rows)}\n`);
      if (next !== null) process.stdout.write(`older runs: slipway runs --before ${next}${options.project === undefined ? '' : ` --project ${options.project}`}\n`);
      result.exitCode = 0;
      return;
    }
    const run = await client.getRun(runId);
    process.stdout.write(`run #${run.number} (${run.id}) ${run.ref}: ${run.status}, created ${formatAge(run.createdAt, now)} ago\n`);
    const rows = run.jobs.map((job) => {
      const duration =
        job.startedAt === null ? '-' : formatDurationMs((job.finishedAt === null ? now : Date.parse(job.finishedAt)) - Date.parse(job.startedAt));
      return [job.jobKey, job.status, String(job.attempt), duration, job.failure?.message ?? ''];
    });
    process.stdout.write(`${formatTable(['JOB', 'STATUS', 'ATTEMPT', 'DURATION', 'FAILURE'], rows)}\n`);
  });
}
