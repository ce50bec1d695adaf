import type { Command } from 'commander';
import { resolveServerUrl } from './api-client.js';
import { type CliIdentity, createDeployApiClient, type DeployApiClient } from './deploy-api-client.js';
import type { ServerOptions } from './server-option.js';

export interface IdentityOptions extends ServerOptions {
  token?: string;
}

/** `--token`: the API token to act with, when not SLIPWAY_TOKEN or the one `slipway login` saved. */
export function addIdentityOptions(command: Command): Command {
  return command.option('--token <token>', 'your API token (default: env SLIPWAY_TOKEN, else the one `slipway login` saved for this server)');
}

/** The environment is read here, at the CLI edge, as clientFor reads SLIPWAY_SERVER. */
export function deployClientFor(options: IdentityOptions): DeployApiClient {
  return createDeployApiClient(resolveServerUrl(options.server, process.env), readCliIdentity(options));
}

/** `--token` when given; otherwise the request resolves the token itself (cliFetch). */
export function readCliIdentity(options: IdentityOptions): CliIdentity {
  return options.token ? { token: options.token } : {};
}
