import { type Command, InvalidArgumentError } from 'commander';
import type { ApiEnvironment } from '../deploy-api-client.js';
import { formatAge, formatTable } from '../format-table.js';
import { addIdentityOptions, deployClientFor, type IdentityOptions } from '../identity-option.js';
import type { CommandResult } from '../main.js';
import { addServerOption } from '../server-option.js';
import { buildProtectionRules, collect, type EnvironmentFlags, parseDurationSeconds, parseFreezeWindow, parseList } from './parse-environment-flags.js';

interface SetOptions extends IdentityOptions, EnvironmentFlags {
  expectedVersion?: number;
}

function parseCount(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`expected a whole number 0–${max}, got '${value}'`);
    return n;
  };
}

/**
 * `slipway env set|list|show|delete`: a project's deployment environments and their protection rules.
 * Maintainers manage them here, not in the pipeline file, so a pull request cannot loosen its own gate.
 */
export function registerEnvironmentsCommand(program: Command, result: CommandResult): void {
  const env = program
    .command('env')
    .alias('environments')
    .summary('create, change, list and delete deployment environments and their protection rules')
    .description(
      'Environments (dev, staging, production, any name) and the rules a deployment there must satisfy: required ' +
        'approvals, allowed branches, a wait timer, freeze windows, auto-approval of low-risk changes. Changing them ' +
        'needs maintainer or above in the team owning the project.',
    );

  addIdentityOptions(
    addServerOption(
      env
        .command('set')
        .argument('<project>', 'the project, e.g. acme/web')
        .argument('<name>', 'the environment, e.g. production')
        .summary('create an environment or replace its protection rules')
        .description('Create the environment, or replace all of its rules: a rule whose flag is not given is off.')
        .addHelpText(
          'after',
          '\nExamples:\n' +
            "  slipway env set acme/web production --approvals 2 --approver-role maintainer --branches 'main,release/*' \\\n" +
            "      --wait 10m --freeze 'cron=0 18 * * 5;duration=60h;reason=weekend' --auto-approve-max-risk 30\n" +
            '  slipway env set acme/web staging\n',
        )
        .option('--approvals <count>', 'approvals required before a deployment proceeds', parseCount(10))
        .option('--approver-role <roles>', 'roles whose approvals count, comma-separated or repeated (default maintainer)', collect(parseList))
        .option('--branches <globs>', "branches that may deploy, comma-separated globs like 'main,release/*' (default any)")
        .option('--wait <duration>', 'wait timer: how long a deployment waits after its gate opens, e.g. 10m', parseDurationSeconds)
        .option('--freeze <window>', "a freeze window, repeatable: 'cron=0 18 * * 5;duration=60h;reason=weekend[;tz=Europe/Berlin]' or 'start=ISO;end=ISO;reason=...'", collect(parseFreezeWindow))
        .option('--auto-approve-max-risk <score>', 'changes with a risk score up to this (0–100) need no human approval', parseCount(100))
        .option('--expected-version <version>', 'only if the environment is still at this version (see `env show`)', parseCount(Number.MAX_SAFE_INTEGER)),
    ),
  ).action(async (project: string, name: string, options: SetOptions) => {
    const rules = buildProtectionRules(options);
    const { environment, created } = await deployClientFor(options).putEnvironment({
      project,
      name,
      rules,
      ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
    });
    process.stdout.write(`${created ? 'created' : 'updated'} environment ${name} of ${project} (version ${environment.version})\n${describeRules(environment)}\n`);
    result.exitCode = 0;
  });

  addServerOption(env.command('list').argument('<project>', 'the project, e.g. acme/web').summary("list a project's environments")).action(
    async (project: string, options: IdentityOptions) => {
      const environments = await deployClientFor(options).listEnvironments(project);
      if (environments.length === 0) {
        process.stdout.write(`no environments in ${project}: create one with \`slipway env set ${project} NAME\`\n`);
      } else {
        const now = Date.now();
        const rows = environments.map((e) => [e.name, summarizeRules(e.rules), String(e.version), `${e.updatedBy}, ${formatAge(e.updatedAt, now)} ago`]);
        process.stdout.write(`${formatTable(['NAME', 'RULES', 'VERSION', 'UPDATED'], rows)}\n`);
      }
      result.exitCode = 0;
    },
  );

  addServerOption(
    env.command('show').argument('<project>', 'the project, e.g. acme/web').argument('<name>', 'the environment').summary('show an environment and its rules'),
  ).action(async (project: string, name: string, options: IdentityOptions) => {
    const environment = await deployClientFor(options).getEnvironment(project, name);
    process.stdout.write(
      `environment ${name} of ${project}, version ${environment.version}, created by ${environment.createdBy}, updated by ${environment.updatedBy} at ${environment.updatedAt}\n${describeRules(environment)}\n`,
    );
    result.exitCode = 0;
  });

  addIdentityOptions(
    addServerOption(env.command('delete').argument('<project>', 'the project').argument('<name>', 'the environment').summary('delete an environment (its gates stay on record)')),
  ).action(async (project: string, name: string, options: IdentityOptions) => {
    await deployClientFor(options).deleteEnvironment(project, name);
    process.stdout.write(`deleted environment ${name} of ${project}\n`);
    result.exitCode = 0;
  });
}

function summarizeRules(rules: Record<string, unknown>): string {
  const parts: string[] = [];
  const approvals = rules['requiredApprovals'] as { count: number; roles: string[] } | undefined;
  if (approvals && approvals.count > 0) parts.push(`${approvals.count} approval${approvals.count === 1 ? '' : 's'} (${approvals.roles.join('/')})`);
  const branches = rules['branches'] as string[] | undefined;
  if (branches && branches.length > 0) parts.push(`branches ${branches.join(',')}`);
  if (rules['waitTimerSeconds']) parts.push(`wait ${rules['waitTimerSeconds']}s`);
  const freezes = rules['freezeWindows'] as unknown[] | undefined;
  if (freezes && freezes.length > 0) parts.push(`${freezes.length} freeze window${freezes.length === 1 ? '' : 's'}`);
  const auto = rules['autoApprove'] as { maxRisk: number } | undefined;
  if (auto) parts.push(`auto-approve risk ≤ ${auto.maxRisk}`);
  return parts.length > 0 ? parts.join(', ') : 'unprotected';
}

function describeRules(environment: ApiEnvironment): string {
  const rules = environment.rules;
  const freezes = (rules['freezeWindows'] as Record<string, unknown>[] | undefined) ?? [];
  const lines = [`  rules: ${summarizeRules(rules)}`];
  for (const f of freezes) {
    const when = f['cron'] === undefined ? `${f['start']} → ${f['end']}` : `cron '${f['cron']}' (${f['timezone']}) for ${f['durationSeconds']}s`;
    lines.push(`  freeze: ${when}: ${f['reason']}`);
  }
  return lines.join('\n');
}
