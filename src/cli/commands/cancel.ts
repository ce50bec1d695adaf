import type { Command } from 'commander';
import type { CommandResult } from '../main.js';
import { addServerOption, clientFor, type ServerOptions } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';

export function registerCancelCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('cancel')
    .argument('<run-id>', 'the run (its id, as `slipway runs` and `slipway trigger` print it)', parsePositiveInt)
    .summary('cancel a run on a Slipway server')
    .description(
      'Cancel a run: its jobs not yet started are canceled at once, and the agents running its other jobs ' +
        'are told to stop them (their steps\' processes are killed) and report them canceled. ' +
        'Canceling a finished run changes nothing.',
    )
    .addHelpText('after', '\nExamples:\n  slipway cancel 42\n  slipway cancel 42 --server http://ci.example:8080\n');
  addServerOption(command).action(async (runId: number, options: ServerOptions) => {
    const answer = await clientFor(options).cancelRun(runId);
    const parts = [`${answer.canceledJobIds.length} job(s) canceled`];
    if (answer.running.length > 0) parts.push(`${answer.running.length} running job(s) told to stop: ${answer.running.join(', ')}`);
    process.stdout.write(`run ${answer.runId}: cancel requested; ${parts.join('; ')}\n`);
    result.exitCode = 0;
  });
}
