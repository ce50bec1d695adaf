import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { loadConfig } from '../../config/index.js';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { startPlatform } from '../../platform/start-platform.js';
import { version } from '../../version.js';
import { ensureIgnoredDir } from '../ensure-ignored-dir.js';
import type { CommandResult } from '../main.js';
import { parsePort } from './parse-number.js';

interface UpOptions {
  port?: number;
  host?: string;
  dataDir?: string;
}

export function registerUpCommand(program: Command, result: CommandResult): void {
  program
    .command('up')
    .summary('start the whole platform on this machine (what `npm start` runs)')
    .description(
      'Start the whole platform in one process with its embedded defaults: the PGlite store in ' +
        './.slipway (or PostgreSQL from DATABASE_URL) and the HTTP API and UI on ' +
        'http://localhost:8080 (/healthz, /api/v1/health). Ctrl-C stops it cleanly.',
    )
    .addHelpText('after', '\nExamples:\n  slipway up\n  DATABASE_URL=postgres://localhost/slipway slipway up --port 9090\n')
    .option('--port <port>', 'HTTP port, 0 for any free port (env SLIPWAY_PORT, default 8080)', parsePort)
    .option('--host <host>', 'interface to bind (env SLIPWAY_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'embedded store and local state (env SLIPWAY_DATA_DIR, default .slipway)')
    .action(async (options: UpOptions) => {
      const config = loadConfig(process.env, {
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host !== undefined ? { host: options.host } : {}),
        ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      });
      await ensureIgnoredDir(config.dataDir);
      const logger = pino({ level: config.logLevel, base: { service: 'slipway' } });
      let platform: Awaited<ReturnType<typeof startPlatform>>;
      try {
        platform = await startPlatform(config, logger, {
          onListening: (url) => {
            if (!config.databaseUrl && !existsSync(join(config.dataDir, 'db'))) {
              process.stderr.write(`Listening on ${url}; creating the embedded store (first start only, takes a few seconds)…\n`);
            }
          },
        });
      } catch (error) {
        if (error instanceof AppError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') {
          throw new AppError(
            ErrorCode.unavailable,
            `port ${config.port} on ${config.host} is already in use — stop the other process or pass --port`,
            { cause: error },
          );
        }
        throw error;
      }
      const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
      process.stderr.write(`Slipway ${version} is up on ${platform.url} — store: ${store}. Ctrl-C to stop.\n`);

      await new Promise<void>((resolveStopped) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stderr.write(`\n${signal}: shutting down…\n`);
          // A second signal while closing means the user does not want to wait.
          process.once('SIGINT', () => process.exit(130));
          platform
            .close()
            .catch((error: unknown) => logger.error({ err: error }, 'shutdown failed'))
            .finally(() => {
              process.stderr.write('Slipway stopped.\n');
              resolveStopped();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      result.exitCode = 0;
    });
}
