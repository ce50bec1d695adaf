import type { Command } from 'commander';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { ensureIgnoredDir } from '../ensure-ignored-dir.js';
import type { CommandResult } from '../main.js';
import { servePlatform } from '../serve-platform.js';
import { addServeOptions, loadServeConfig, type ServeOptions } from './serve-options.js';

export function registerServerCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('server')
    .summary('start the control plane only; build agents connect to it (`slipway agent`)')
    .description(
      'Start the control plane without a local agent: the store (PostgreSQL from DATABASE_URL, or PGlite in ' +
        'the data dir), the HTTP API, and the endpoints agents register and take jobs from. Agents ' +
        'authenticate with the shared token in SLIPWAY_AGENT_TOKEN (required, at least 16 characters).',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  SLIPWAY_AGENT_TOKEN=$(openssl rand -hex 32) DATABASE_URL=postgres://db/slipway slipway server --host 0.0.0.0\n' +
        '  slipway agent --server http://ci.example:8080 --token "$SLIPWAY_AGENT_TOKEN"   # on each build machine\n',
    );
  addServeOptions(command).action(async (options: ServeOptions) => {
    const config = loadServeConfig(options);
    if (!config.agentToken) {
      throw new AppError(
        ErrorCode.invalidArgument,
        'slipway server needs SLIPWAY_AGENT_TOKEN (at least 16 characters), the secret agents present — e.g. export SLIPWAY_AGENT_TOKEN=$(openssl rand -hex 32)',
      );
    }
    await ensureIgnoredDir(config.dataDir, 'choose another with --data-dir or SLIPWAY_DATA_DIR, or fix its permissions');
    await servePlatform(config);
    result.exitCode = 0;
  });
}
