import type { Command } from 'commander';
import { type ApiClient, createApiClient, resolveServerUrl } from './api-client.js';

export interface ServerOptions {
  server?: string;
}

export function addServerOption(command: Command): Command {
  return command.option('--server <url>', 'the Slipway server (env SLIPWAY_SERVER, default http://localhost:8080)');
}

/** The client verbs' one read of the environment, at the CLI edge like `slipway agent`'s token. */
export function clientFor(options: ServerOptions): ApiClient {
  return createApiClient(resolveServerUrl(options.server, process.env));
}
