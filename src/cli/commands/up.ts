import { randomBytes } from 'node:crypto';
import { platform as osPlatform } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ensureIgnoredDir } from '../ensure-ignored-dir.js';
import { servePlatform } from '../serve-platform.js';
import type { CommandResult } from '../main.js';
import { addServeOptions, loadServeConfig, type ServeOptions } from './serve-options.js';

export function registerUpCommand(program: Command, result: CommandResult): void {
  const command = program
    .command('up')
    .summary('start the whole platform on this machine (what `npm start` runs)')
    .description(
      'Start the whole platform in one process with its embedded defaults: the PGlite store in ' +
        './.slipway (or PostgreSQL from DATABASE_URL) and the HTTP API and UI on ' +
        'http://localhost:8080 (/healthz, /api/v1/health, /api/v1/runs), plus build agents in the same ' +
        'process (labels: local and the OS name) so runs execute here: between SLIPWAY_LOCAL_AGENTS_MIN (1) and ' +
        'SLIPWAY_LOCAL_AGENTS_MAX (the CPU count) of them, one per SLIPWAY_JOBS_PER_AGENT (1) queued or running jobs, ' +
        'an idle one stopped after SLIPWAY_AGENT_IDLE_GRACE_SECONDS (60). Ctrl-C stops it cleanly.',
    )
    .addHelpText('after', '\nExamples:\n  slipway up\n  DATABASE_URL=postgres://localhost/slipway slipway up --port 9090\n');
  addServeOptions(command).action(async (options: ServeOptions) => {
    const config = loadServeConfig(options);
    // Unset, only the local agent is expected to connect, so a per-process token is enough.
    config.agentToken ??= randomBytes(32).toString('base64url');
    await ensureIgnoredDir(config.dataDir, 'choose another with --data-dir or SLIPWAY_DATA_DIR, or fix its permissions');
    await servePlatform(config, {
      name: 'local',
      labels: ['local', osPlatform()],
      workDir: join(config.dataDir, 'agent'),
    });
    result.exitCode = 0;
  });
}
