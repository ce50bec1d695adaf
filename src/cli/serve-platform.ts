import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Config } from '../config/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { type PlatformHooks, startPlatform } from '../platform/start-platform.js';
import { version } from '../version.js';
import { saveToken } from './credentials.js';

/**
 * Starts the platform for a foreground command (`up`, `server`), prints where it listens and waits
 * for SIGINT/SIGTERM to stop it cleanly; a second Ctrl-C while closing exits at once.
 */
export async function servePlatform(config: Config, localAgent?: PlatformHooks['localAgent']): Promise<void> {
  const logger = pino({ level: config.logLevel, base: { service: 'slipway' } });
  let platform: Awaited<ReturnType<typeof startPlatform>>;
  try {
    platform = await startPlatform(config, logger, {
      ...(localAgent ? { localAgent } : {}),
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
  if (platform.adminToken) await announceAdminToken(platform.url, platform.adminToken);
  const store = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  process.stderr.write(`Slipway ${version} is up on ${platform.url} — store: ${store}; canary gRPC on 127.0.0.1:${platform.grpcPort}. Ctrl-C to stop.\n`);

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
}

/**
 * The first start's administrator token: printed this once (only its hash is stored) and saved for
 * the CLI on this machine, so `slipway demo` and friends work at once against this server.
 */
async function announceAdminToken(url: string, token: string): Promise<void> {
  let saved = '';
  try {
    saved = ` The CLI on this machine will use it: saved in ${await saveToken(url, token, process.env)}.`;
  } catch (error) {
    saved = ` It could not be saved for the CLI (${(error as Error).message}): run \`slipway login --token <token>\`.`;
  }
  process.stderr.write(
    `First start: created the administrator 'admin' with this API token, shown once (only its hash is kept):\n\n    ${token}\n\n` +
      `Sign in to the web UI with it, or give it to the CLI as SLIPWAY_TOKEN.${saved}\n`,
  );
}
