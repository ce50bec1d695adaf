import type { Command } from 'commander';
import { type Config, loadConfig } from '../../config/index.js';
import { parsePort } from './parse-number.js';

/** The options `slipway up` and `slipway server` share: where to listen and where state lives. */
export interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

export function addServeOptions(command: Command): Command {
  return command
    .option('--port <port>', 'HTTP port, 0 for any free port (env SLIPWAY_PORT, default 8080)', parsePort)
    .option('--host <host>', 'interface to bind (env SLIPWAY_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'embedded store and local state (env SLIPWAY_DATA_DIR, default .slipway)');
}

/** The environment's configuration with the command line's overrides on top. */
export function loadServeConfig(options: ServeOptions): Config {
  return loadConfig(process.env, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
}
