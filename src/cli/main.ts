import { Command, CommanderError } from 'commander';
import { isAppError } from '../errors/app-error.js';
import { version } from '../version.js';
import { registerAgentCommand } from './commands/agent.js';
import { registerCancelCommand } from './commands/cancel.js';
import { registerLoadtestCommand } from './commands/loadtest.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerRunCommand } from './commands/run.js';
import { registerRolloutsCommand } from './commands/rollouts.js';
import { registerRunsCommand } from './commands/runs.js';
import { registerSchemaCommand } from './commands/schema.js';
import { registerSecretsCommand } from './commands/secrets.js';
import { registerEnvironmentsCommand } from './commands/environments.js';
import { registerApproveCommand } from './commands/approve.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerNotifyCommand } from './commands/notify.js';
import { registerDeployCommand } from './commands/deploy.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerIdentityCommands } from './commands/identity.js';
import { registerServerCommand } from './commands/server.js';
import { registerTriggerCommand } from './commands/trigger.js';
import { registerUpCommand } from './commands/up.js';
import { registerValidateCommand } from './commands/validate.js';

/** A command's action stores its exit code here; commander itself only knows success or throw. */
export interface CommandResult {
  exitCode: number;
}

export function createProgram(result: CommandResult): Command {
  const program = new Command('slipway')
    .description(
      'Self-hosted CI/CD with a real-time canary control plane.\n\n' +
        '`slipway up` starts the whole platform on this machine (http://localhost:8080); ' +
        '`slipway run` runs the pipeline of the current directory locally.',
    )
    .addHelpText('after', '\nRun `slipway <command> --help` for a command\'s options and examples.\n')
    .version(version, '-V, --version', 'print the Slipway version')
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true)
    // `slipway deploy --version 1.4.2` names a release: the program's own -V/--version only counts before a command.
    .enablePositionalOptions()
    .exitOverride();
  registerUpCommand(program, result);
  registerServerCommand(program, result);
  registerAgentCommand(program, result);
  registerValidateCommand(program, result);
  registerRunCommand(program, result);
  registerTriggerCommand(program, result);
  registerRunsCommand(program, result);
  registerCancelCommand(program, result);
  registerLogsCommand(program, result);
  registerSecretsCommand(program, result);
  registerEnvironmentsCommand(program, result);
  registerApproveCommand(program, result);
  registerDeployCommand(program, result);
  registerSchemaCommand(program, result);
  registerLoadtestCommand(program, result);
  registerPolicyCommand(program, result);
  registerRolloutsCommand(program, result);
  registerAuditCommand(program, result);
  registerNotifyCommand(program, result);
  registerDemoCommand(program, result);
  registerIdentityCommands(program, result);
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const result: CommandResult = { exitCode: 0 };
  const program = createProgram(result);
  try {
    await program.parseAsync(argv);
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return error.exitCode;
    }
    if (isAppError(error)) {
      process.stderr.write(`slipway: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`slipway: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    return 70;
  }
}
