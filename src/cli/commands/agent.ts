import { isIP } from 'node:net';
import { availableParallelism, hostname, platform } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { type AgentRole, runAgent } from '../../agent/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import type { CommandResult } from '../main.js';
import { parsePositiveInt } from './parse-number.js';

interface AgentOptions {
  server: string;
  token?: string;
  name: string;
  labels?: string[];
  capacity: number;
  roles: AgentRole[];
  workDir: string;
  warmStart: boolean;
  replicaHost?: string;
}

/** An IP address this host has (or a loopback one): replicas bind to it, so a name or 0.0.0.0 would not tell the server where to go. */
function parseReplicaHost(value: string): string {
  if (isIP(value) === 0 || value === '0.0.0.0' || value === '::') {
    throw new InvalidArgumentError(`expected an IP address of this host that the server can reach, like 10.0.0.5, got '${value}'`);
  }
  return value;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // Reported below.
  }
  throw new InvalidArgumentError(`expected an http(s) URL like http://ci.example:8080, got '${value}'`);
}

function parseRoles(value: string): AgentRole[] {
  const roles = parseLabels(value);
  const unknown = roles.filter((role) => role !== 'build' && role !== 'deploy');
  if (roles.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected build, deploy or build,deploy, got '${value}'`);
  }
  return [...new Set(roles)] as AgentRole[];
}

function parseLabels(value: string): string[] {
  return value
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label !== '');
}

export function registerAgentCommand(program: Command, result: CommandResult): void {
  program
    .command('agent')
    .summary('run a build agent that takes jobs from a Slipway server')
    .description(
      'Register with a Slipway server (`slipway server` or `slipway up`), hold a stream open to it and run ' +
        'the jobs it pushes, up to --capacity at once, each in a fresh workspace under --work-dir. Output and ' +
        'results go back to the server; a lost connection is retried with backoff. Ctrl-C cancels running ' +
        'jobs, reports them and exits. Jobs start with an empty workspace; `uses: git-checkout` checks out ' +
        "the run's commit from this agent's mirror of the project's repository.",
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  slipway agent --server http://ci.example:8080 --token "$SLIPWAY_AGENT_TOKEN"\n' +
        '  slipway agent --server http://ci.example:8080 --labels linux,docker --capacity 4\n' +
        '  slipway agent --server http://ci.example:8080 --roles deploy\n' +
        '  slipway agent --server http://ci.example:8080 --roles deploy --replica-host 10.0.0.5\n',
    )
    .requiredOption('--server <url>', 'the server base URL', parseUrl)
    .option('--token <token>', 'the server\'s agent token (env SLIPWAY_AGENT_TOKEN)')
    .option('--name <name>', 'how the server lists this agent (the host name by default)', hostname())
    .option('--labels <a,b>', `labels jobs' runs-on must be among (default: ${platform()})`, parseLabels)
    .option('--capacity <n>', 'jobs run at once (the CPU count by default)', parsePositiveInt, availableParallelism())
    .option(
      '--roles <roles>',
      'build: take jobs; deploy: run the replicas of deployments a server with SLIPWAY_DEPLOY_TARGET=agents places here',
      parseRoles,
      ['build'] as AgentRole[],
    )
    .option(
      '--replica-host <ip>',
      "with --roles deploy: the address of this host its replicas listen on ($HOST) and the server's router reaches them at (default 127.0.0.1: the server's own host)",
      parseReplicaHost,
    )
    .option('--work-dir <dir>', 'where job workspaces are created', '.slipway/agent')
    .option('--no-warm-start', 'do not keep a step process started ahead while a slot is free (it saves the next job a fork and a sandbox setup)')
    .action(async (options: AgentOptions) => {
      // The agent is a separate process from the server, so its token may come from its own environment.
      const token = options.token ?? process.env['SLIPWAY_AGENT_TOKEN'];
      if (!token) throw new AppError(ErrorCode.invalidArgument, "pass --token or set SLIPWAY_AGENT_TOKEN to the server's agent token");
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`\n${signal}: canceling running jobs and stopping…\n`);
        process.once('SIGINT', () => process.exit(130));
        stop.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runAgent({
          serverUrl: options.server,
          token,
          name: options.name,
          labels: options.labels ?? [platform()],
          capacity: options.capacity,
          roles: options.roles,
          workDir: resolve(options.workDir),
          warmStart: options.warmStart,
          ...(options.replicaHost === undefined ? {} : { replicaHost: options.replicaHost }),
          signal: stop.signal,
          // Steps must not see the agent's own secret.
          env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'SLIPWAY_AGENT_TOKEN')),
          onNotice: (message) => process.stderr.write(`slipway agent: ${message}\n`),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      process.stderr.write('slipway agent stopped.\n');
      result.exitCode = 0;
    });
}
