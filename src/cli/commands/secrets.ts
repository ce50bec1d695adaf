import type { Command } from 'commander';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { formatAge, formatTable } from '../format-table.js';
import type { CommandResult } from '../main.js';
import { addServerOption, clientFor, type ServerOptions } from '../server-option.js';

interface SecretOptions extends ServerOptions {
  env?: string;
  value?: string;
}

const envOption = '--env <environment>';

/**
 * `slipway secrets set|list|delete`: write-only secrets of a project, optionally scoped to one
 * deployment environment. Values are never printed; `set` reads the value from stdin by default so it
 * stays out of shell history and the process list.
 */
export function registerSecretsCommand(program: Command, result: CommandResult): void {
  const secrets = program
    .command('secrets')
    .summary('set, list and delete a project\'s secrets on a Slipway server')
    .description(
      'Secrets are values jobs get as environment variables and that are masked (***) in their logs. ' +
        'They are write-only: they can be set, listed by name and deleted, never read back. ' +
        'A secret is project-wide, or scoped to one environment (--env): a job with `environment: NAME` ' +
        'gets the project-wide secrets, overridden by that environment\'s of the same name.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  printf %s "$TOKEN" | slipway secrets set acme/web DEPLOY_TOKEN\n' +
        '  slipway secrets set acme/web DEPLOY_TOKEN --env production < token.txt\n' +
        '  slipway secrets list acme/web\n' +
        '  slipway secrets delete acme/web DEPLOY_TOKEN --env production\n',
    );

  addServerOption(
    secrets
      .command('set')
      .argument('<project>', 'the project, e.g. acme/web (created if it does not exist yet)')
      .argument('<name>', 'the secret\'s name, the job\'s environment variable: upper case, digits, _ (e.g. DEPLOY_TOKEN)')
      .summary('create or replace a secret; the value is read from stdin')
      .description(
        'Create or replace a secret. The value is read from standard input (one trailing newline is dropped), ' +
          'which keeps it out of shell history; --value exists for scripts that cannot pipe, but leaves the ' +
          'value in history and the process list.',
      )
      .addHelpText('after', '\nExamples:\n  printf %s "$TOKEN" | slipway secrets set acme/web DEPLOY_TOKEN\n  slipway secrets set acme/web DB_PASSWORD --env staging < password.txt\n')
      .option(envOption, 'only for jobs deploying to this environment (default: project-wide)')
      .option('--value <value>', 'the value on the command line (discouraged: it ends up in shell history)'),
  ).action(async (project: string, name: string, options: SecretOptions) => {
    const value = options.value ?? (await readValueFromStdin());
    if (value === '') throw new AppError(ErrorCode.invalidArgument, `no value for secret ${name}: pipe it on stdin (or give --value)`);
    await clientFor(options).setSecret({ project, name, value, ...(options.env === undefined ? {} : { environment: options.env }) });
    process.stdout.write(`set secret ${name} of ${project} (${describeScope(options.env)})\n`);
    result.exitCode = 0;
  });

  addServerOption(
    secrets
      .command('list')
      .argument('<project>', 'the project, e.g. acme/web')
      .summary('list a project\'s secrets by name (never their values)')
      .addHelpText('after', '\nExamples:\n  slipway secrets list acme/web\n  slipway secrets list acme/web --env production\n')
      .option(envOption, 'only this environment\'s secrets (default: every scope)'),
  ).action(async (project: string, options: SecretOptions) => {
    const list = await clientFor(options).listSecrets({ project, ...(options.env === undefined ? {} : { environment: options.env }) });
    if (list.length === 0) {
      process.stdout.write(`no secrets in ${project}${options.env === undefined ? '' : ` for environment ${options.env}`}: add one with \`slipway secrets set ${project} NAME\`\n`);
      result.exitCode = 0;
      return;
    }
    const now = Date.now();
    const rows = list.map((secret) => [secret.name, secret.environment ?? '(project-wide)', `${formatAge(secret.updatedAt, now)} ago`]);
    process.stdout.write(`${formatTable(['NAME', 'ENVIRONMENT', 'UPDATED'], rows)}\n`);
    result.exitCode = 0;
  });

  addServerOption(
    secrets
      .command('delete')
      .argument('<project>', 'the project, e.g. acme/web')
      .argument('<name>', 'the secret\'s name')
      .summary('delete one secret of one scope')
      .description('Delete a secret. Without --env the project-wide one; with it, only that environment\'s (the project-wide one stays).')
      .addHelpText('after', '\nExamples:\n  slipway secrets delete acme/web DEPLOY_TOKEN\n  slipway secrets delete acme/web DEPLOY_TOKEN --env production\n')
      .option(envOption, 'the environment whose secret to delete (default: the project-wide one)'),
  ).action(async (project: string, name: string, options: SecretOptions) => {
    await clientFor(options).deleteSecret({ project, name, ...(options.env === undefined ? {} : { environment: options.env }) });
    process.stdout.write(`deleted secret ${name} of ${project} (${describeScope(options.env)})\n`);
    result.exitCode = 0;
  });
}

function describeScope(environment: string | undefined): string {
  return environment === undefined ? 'project-wide' : `environment ${environment}`;
}

/** All of stdin, without one trailing newline (what `echo` and editors add). */
async function readValueFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('type the secret value, then press Ctrl-D (it is read from stdin)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
