import type { Command } from 'commander';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { createLinePrefixer, followRunLogs } from '../follow-run-logs.js';
import type { CommandResult } from '../main.js';
import { addServerOption, clientFor, type ServerOptions } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';

interface LogsOptions extends ServerOptions {
  job?: string;
  follow?: boolean;
}

export function registerLogsCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('logs')
    .argument('<run-id>', 'the run (its id, as `slipway runs` and `slipway trigger` print it)', parsePositiveInt)
    .summary('print a run\'s job logs from a Slipway server, or follow them live')
    .description(
      'Print one job\'s log (--job) or every job\'s, each line prefixed `[job] `. Without -f, print what is ' +
        'stored now and exit. With -f, stream live until the run finishes and its logs end, resuming where ' +
        'it left off if the connection drops.',
    )
    .addHelpText('after', '\nExamples:\n  slipway logs 42\n  slipway logs 42 --job test -f\n')
    .option('--job <key>', 'only this job (its key, e.g. `test` or `build[os=linux]`)')
    .option('-f, --follow', 'stream the logs live until the run finishes');
  addServerOption(command).action(async (runId: number, options: LogsOptions) => {
    const client = clientFor(options);
    const run = await client.getRun(runId);
    const jobs = options.job === undefined ? run.jobs : run.jobs.filter((job) => job.jobKey === options.job);
    if (jobs.length === 0) {
      throw new AppError(
        ErrorCode.notFound,
        `run ${runId} has no job '${options.job}': its jobs are ${run.jobs.map((job) => job.jobKey).join(', ')}`,
      );
    }
    const prefix = options.job === undefined;
    const write = (text: string) => process.stdout.write(text);
    if (options.follow) {
      await followRunLogs(client, { runId, jobs: jobs.map((job) => ({ id: job.id, key: job.jobKey })), prefix, write });
    } else {
      for (const job of jobs) {
        const log = await client.readJobLog(job.id);
        const out = createLinePrefixer(prefix ? `[${job.jobKey}] ` : '', write);
        out.push(log.text);
        out.flush();
      }
    }
    result.exitCode = 0;
  });
}
