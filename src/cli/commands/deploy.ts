import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { resolveServerUrl } from '../api-client.js';
import { formatAge, formatTable } from '../format-table.js';
import { addIdentityOptions, type IdentityOptions } from '../identity-option.js';
import type { CommandResult } from '../main.js';
import { addServerOption } from '../server-option.js';
import { cliFetch } from '../credentials.js';

/** The deployment fields the CLI prints (dates are ISO strings on the wire). */
interface ApiDeployment {
  id: number;
  project: string;
  environment: string;
  service: string;
  version: string;
  kind: string;
  status: string;
  stableVersion: string | null;
  gateRequestId: number | null;
  failure: { message: string } | null;
  createdBy: string;
  createdAt: string;
}

interface DeployOptions extends IdentityOptions {
  project: string;
  env: string;
  service: string;
  version: string;
  dir?: string;
  run?: number;
  artifact?: string;
  strategy?: string;
  idempotencyKey?: string;
  supersede?: boolean;
  branch?: string;
  wait?: boolean;
}

const finished = ['succeeded', 'failed', 'aborted', 'superseded'];

function parseId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a deployment id (a whole number ≥ 1, see \`slipway deployments\`), got '${value}'`);
  return n;
}

/**
 * `slipway deploy`, `promote`, `abort`, `rollback`, `deployments`: deployments over the API. The
 * release directory is read by the server (same host as `slipway up`), so it is sent as an absolute path.
 */
export function registerDeployCommand(program: Command, result: CommandResult): void {
  command(program, 'deploy', 'deploy a release of a service to an environment')
    .requiredOption('--project <project>', 'the project, e.g. acme/web')
    .requiredOption('--env <environment>', 'the environment, e.g. staging')
    .requiredOption('--service <file>', 'the service spec (YAML): name, start, replicas, readiness…')
    .requiredOption('--version <version>', 'the release version, e.g. 1.4.2 (immutable once created)')
    .option('--dir <path>', "the release's files: a directory on the server's host")
    .option('--run <id>', "the release's files: an artifact of this run (with --artifact)", parseId)
    .option('--artifact <name>', 'the artifact name (with --run)')
    .option('--strategy <file>', 'the strategy (YAML): recreate, rolling, blueGreen or canary (default rolling)')
    .option('--idempotency-key <key>', 'submitting again with the same key returns the same deployment')
    .option('--supersede', 'replace deployments of the environment still waiting for the lock')
    .option('--branch <branch>', "the change's branch, for the environment's branch rule (default main)")
    .option('--wait', 'wait until the deployment ends or pauses')
    .addHelpText('after', '\nExamples:\n  slipway deploy --project acme/web --env staging --service service.yml --version 1.4.2 --dir ./dist --strategy canary.yml --wait\n')
    .action(async (options: DeployOptions) => {
      if ((options.dir === undefined) === (options.run === undefined || options.artifact === undefined)) {
        throw new AppError(ErrorCode.invalidArgument, 'give the release files with --dir PATH, or with --run ID --artifact NAME');
      }
      const service = await readYamlFile(options.service, 'service');
      const strategy = options.strategy === undefined ? undefined : await readYamlFile(options.strategy, 'strategy');
      const api = client(options);
      const { deployment, created } = await api<{ deployment: ApiDeployment; created: boolean }>('POST', '/api/v1/deployments', {
        project: options.project,
        environment: options.env,
        service,
        ...(strategy === undefined ? {} : { strategy }),
        version: options.version,
        ...(options.dir === undefined ? { run: options.run, artifact: options.artifact } : { dir: resolve(options.dir) }),
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
        ...(options.supersede ? { supersede: true } : {}),
        ...(options.branch === undefined ? {} : { branch: options.branch }),
      });
      process.stdout.write(`${created ? 'submitted' : 'already submitted (same idempotency key):'} ${describe(deployment)}\n`);
      result.exitCode = 0;
      if (options.wait) result.exitCode = await waitForEnd(api, deployment);
    });

  for (const verb of ['promote', 'abort'] as const) {
    const cmd = command(program, verb, verb === 'promote' ? 'end the current pause of a rollout (--full: skip every remaining step)' : 'give up on a rollout: traffic back to stable at once')
      .argument('<id>', 'the deployment', parseId);
    if (verb === 'promote') cmd.option('--full', 'skip every remaining step');
    else cmd.option('--reason <text>', 'why, recorded with the deployment');
    cmd.action(async (id: number, options: IdentityOptions & { full?: boolean; reason?: string }) => {
      const body = verb === 'promote' ? { full: options.full ?? false } : options.reason === undefined ? {} : { reason: options.reason };
      const { deployment } = await client(options)<{ deployment: ApiDeployment }>('POST', `/api/v1/deployments/${id}/${verb}`, body);
      process.stdout.write(`${verb === 'promote' ? (options.full ? 'fully promoted' : 'promoted') : 'aborting'} ${describe(deployment)}\n`);
      result.exitCode = 0;
    });
  }

  command(program, 'rollback', 'return an environment to its previous (or a named) release, the fastest way')
    .requiredOption('--project <project>', 'the project, e.g. acme/web')
    .requiredOption('--env <environment>', 'the environment')
    .option('--to <version>', 'the release to return to (default the previous healthy one)')
    .option('--service <name>', 'the service, when the environment serves several')
    .action(async (options: IdentityOptions & { project: string; env: string; to?: string; service?: string }) => {
      const body = { ...(options.to === undefined ? {} : { to: options.to }), ...(options.service === undefined ? {} : { service: options.service }) };
      const res = await client(options)<{ action: string; deployment: ApiDeployment }>('POST', `${environmentPath(options.project, options.env)}/rollback`, body);
      process.stdout.write(res.action === 'aborted' ? `aborting the rollout in progress: ${describe(res.deployment)}\n` : `rolling back: ${describe(res.deployment)}\n`);
      result.exitCode = 0;
    });

  addServerOption(program.command('deployments').summary("an environment's deployments, newest first"))
    .requiredOption('--project <project>', 'the project, e.g. acme/web')
    .requiredOption('--env <environment>', 'the environment')
    .action(async (options: IdentityOptions & { project: string; env: string }) => {
      const { deployments } = await client(options)<{ deployments: ApiDeployment[] }>('GET', `${environmentPath(options.project, options.env)}/deployments`);
      const now = Date.now();
      const rows = deployments.map((d) => [String(d.id), d.service, d.version, d.kind, d.status, d.stableVersion ?? '-', `${d.createdBy}, ${formatAge(d.createdAt, now)} ago`, firstLine(d.failure?.message)]);
      process.stdout.write(deployments.length === 0 ? `no deployments to ${options.env} yet\n` : `${formatTable(['ID', 'SERVICE', 'VERSION', 'KIND', 'STATUS', 'FROM', 'BY', 'WHY'], rows)}\n`);
      result.exitCode = 0;
    });
}

function command(program: Command, name: string, summary: string): Command {
  return addIdentityOptions(addServerOption(program.command(name).summary(summary)));
}

function environmentPath(project: string, environment: string): string {
  return `/api/v1/projects/${encodeURIComponent(project)}/environments/${encodeURIComponent(environment)}`;
}

function describe(d: ApiDeployment): string {
  const gate = d.status === 'waiting_approval' && d.gateRequestId !== null ? ` — approve with \`slipway approve ${d.gateRequestId}\`` : '';
  const failure = d.failure ? `\n  ${d.failure.message.split('\n').join('\n  ')}` : '';
  return `deployment ${d.id}: ${d.service} ${d.version} to ${d.environment}: ${d.status}${gate}${failure}`;
}

function firstLine(text: string | undefined): string {
  return text?.split('\n')[0] ?? '';
}

async function readYamlFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError(ErrorCode.invalidArgument, `cannot read the ${what} file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new AppError(ErrorCode.invalidArgument, `${path} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  // Accept both the bare spec and one wrapped in its key (`strategy: {canary: …}`).
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && what in value) {
    return (value as Record<string, unknown>)[what];
  }
  return value;
}

type Api = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function client(options: IdentityOptions): Api {
  const baseUrl = resolveServerUrl(options.server, process.env);
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      const init = body === undefined ? { method, headers } : { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
      response = await cliFetch(`${baseUrl}${path}`, init);
    } catch (error) {
      throw new AppError(ErrorCode.unavailable, `cannot reach the Slipway server at ${baseUrl} — is \`slipway up\` running? (set --server or SLIPWAY_SERVER)`, { cause: error });
    }
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // Not the API's error shape: reported with the status below.
    }
    const code = Object.values(ErrorCode).find((c) => c === error?.code) ?? ErrorCode.internal;
    throw new AppError(code, error?.message ?? `${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 200)}`, { details: { status: response.status } });
  };
}

/** Polls until the deployment ends (exit 0 only when it succeeded) or pauses for a promote (exit 0). */
async function waitForEnd(api: Api, submitted: ApiDeployment): Promise<number> {
  let last = submitted.status;
  for (;;) {
    const { deployment } = await api<{ deployment: ApiDeployment }>('GET', `/api/v1/deployments/${submitted.id}`);
    if (deployment.status !== last) {
      last = deployment.status;
      process.stdout.write(`${describe(deployment)}\n`);
    }
    if (finished.includes(deployment.status)) return deployment.status === 'succeeded' ? 0 : 1;
    if (deployment.status === 'paused') {
      process.stdout.write(`paused: continue with \`slipway promote ${deployment.id}\`, or \`slipway abort ${deployment.id}\`\n`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
