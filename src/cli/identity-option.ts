import type { Command } from 'commander';
import { resolveServerUrl } from './api-client.js';
import { type CliIdentity, createDeployApiClient, type DeployApiClient } from './deploy-api-client.js';
import type { ServerOptions } from './server-option.js';

export interface IdentityOptions extends ServerOptions {
  as?: string;
  role?: string;
}

/** `--as` and `--role`: who acts, until RBAC tokens (issue 6) say it instead. */
export function addIdentityOptions(command: Command): Command {
  return command
    .option('--as <actor>', 'who you are, recorded with the change or decision (env SLIPWAY_ACTOR)')
    .option('--role <role>', 'the role you act in, e.g. maintainer (env SLIPWAY_ROLE)');
}

/** The environment is read here, at the CLI edge, as clientFor reads SLIPWAY_SERVER. */
export function deployClientFor(options: IdentityOptions): DeployApiClient {
  return createDeployApiClient(resolveServerUrl(options.server, process.env), readCliIdentity(options));
}

/** `--as`/`--role`, else SLIPWAY_ACTOR/SLIPWAY_ROLE. */
export function readCliIdentity(options: IdentityOptions): CliIdentity {
  const identity: CliIdentity = {};
  const actor = options.as ?? process.env['SLIPWAY_ACTOR'];
  const role = options.role ?? process.env['SLIPWAY_ROLE'];
  if (actor) identity.actor = actor;
  if (role) identity.role = role;
  return identity;
}
