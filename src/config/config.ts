/**
 * The only reader of process.env. Every option has a default and a unit, documented here; the rest
 * of the code receives a resolved `Config` (or a slice of it) and never looks at the environment.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';

const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
  /** TCP port of the HTTP server (API, UI, health). 0 picks a free port. */
  SLIPWAY_PORT: port.default(8080),
  /** Interface the HTTP server binds. `slipway up` is a local tool, so loopback by default. */
  SLIPWAY_HOST: z.string().min(1).default('127.0.0.1'),
  /** Directory of the embedded store and local state, relative to the working directory. */
  SLIPWAY_DATA_DIR: z.string().min(1).default('.slipway'),
  /** PostgreSQL connection string; when set it replaces the embedded PGlite store. */
  DATABASE_URL: z.string().url().optional(),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  SLIPWAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** Absolute path. */
  dataDir: string;
  databaseUrl?: string;
  logLevel: z.infer<typeof envSchema>['SLIPWAY_LOG_LEVEL'];
}

/** Resolves the configuration from an environment (process.env by default) and CLI overrides. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
  cwd: string = process.cwd(),
): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AppError(ErrorCode.invalidArgument, `invalid environment: ${problems} — fix or unset these variables`, {
      cause: parsed.error,
    });
  }
  const e = parsed.data;
  const config: Config = {
    port: overrides.port ?? e.SLIPWAY_PORT,
    host: overrides.host ?? e.SLIPWAY_HOST,
    dataDir: resolve(cwd, overrides.dataDir ?? e.SLIPWAY_DATA_DIR),
    logLevel: overrides.logLevel ?? e.SLIPWAY_LOG_LEVEL,
  };
  const databaseUrl = overrides.databaseUrl ?? e.DATABASE_URL;
  if (databaseUrl) config.databaseUrl = databaseUrl;
  return config;
}
