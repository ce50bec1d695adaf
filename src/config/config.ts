/**
 * The only reader of process.env. Every option has a default and a unit, documented here; the rest
 * of the code receives a resolved `Config` (or a slice of it) and never looks at the environment.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { decodeMasterKey, masterKeyFormatHint } from '../secrets/decode-master-key.js';

const port = z.coerce.number().int().min(0).max(65535);

/** An absolute http(s) URL; the message shows an example. */
function httpUrl(example: string) {
  return z.string().refine(
    (text) => {
      try {
        const url = new URL(text);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
      } catch {
        return false;
      }
    },
    { message: `expected an http:// or https:// URL, e.g. ${example}` },
  );
}

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
  /**
   * The key that encrypts secrets at rest: 32 bytes as base64 or 64 hex characters. Unset: a key
   * generated into <data dir>/master.key. Servers sharing one DATABASE_URL must all be given the same key.
   */
  SLIPWAY_MASTER_KEY: z
    .string()
    .refine((text) => decodeMasterKey(text) !== undefined, { message: masterKeyFormatHint })
    .optional(),
  /**
   * The shared secret build agents present (`Authorization: Bearer <token>`), at least 16 characters.
   * Required by `slipway server`; `slipway up` generates one for its own local agent when unset.
   */
  SLIPWAY_AGENT_TOKEN: z.string().min(16).optional(),
  /** The secret of GitHub webhooks (X-Hub-Signature-256). Unset: POST /api/v1/webhooks/github answers 503. */
  SLIPWAY_GITHUB_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** The secret token of GitLab webhooks (X-Gitlab-Token). Unset: POST /api/v1/webhooks/gitlab answers 503. */
  SLIPWAY_GITLAB_WEBHOOK_TOKEN: z.string().min(1).optional(),
  /** Where artifact and cache blobs live: `fs` (SLIPWAY_BLOB_DIR) or `s3` (SLIPWAY_S3_*). */
  SLIPWAY_BLOB_STORE: z.enum(['fs', 's3']).default('fs'),
  /** Directory of the fs blob store; default `<SLIPWAY_DATA_DIR>/blobs`. */
  SLIPWAY_BLOB_DIR: z.string().min(1).optional(),
  /** S3 bucket; required when SLIPWAY_BLOB_STORE=s3. Credentials come from the AWS SDK's default chain. */
  SLIPWAY_S3_BUCKET: z.string().min(1).optional(),
  /** API endpoint of an S3-compatible server (MinIO, R2…); default AWS. */
  SLIPWAY_S3_ENDPOINT: z.string().url().optional(),
  /** Default: the AWS SDK's own resolution (AWS_REGION, profile). */
  SLIPWAY_S3_REGION: z.string().min(1).optional(),
  /** Key prefix inside the bucket, e.g. `slipway/`; default none. */
  SLIPWAY_S3_PREFIX: z.string().default(''),
  /** `true`: the bucket goes in the URL path, not the host name (most S3-compatible servers need it). */
  SLIPWAY_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  /**
   * Seconds an agent's hold on a running job lasts without a heartbeat (agents renew every third of it).
   * Longer rides out longer agent or server outages; shorter requeues the jobs of a dead agent sooner.
   * Servers sharing one DATABASE_URL should use the same value.
   */
  SLIPWAY_LEASE_SECONDS: z.coerce.number().positive().max(86_400).default(15),
  /** `slipway up`: local agents kept running even with no work (count, ≥ 0). */
  SLIPWAY_LOCAL_AGENTS_MIN: z.coerce.number().int().min(0).default(1),
  /** `slipway up`: local agents never exceeded (count, ≥ 1); default the CPU count (os.availableParallelism()), raised to MIN. */
  SLIPWAY_LOCAL_AGENTS_MAX: z.coerce.number().int().min(1).optional(),
  /** `slipway up`: jobs one local agent runs at once (its capacity, ≥ 1); agents = ceil((queued + running jobs) / this). */
  SLIPWAY_JOBS_PER_AGENT: z.coerce.number().int().min(1).default(1),
  /** `slipway up`: seconds a local agent must have been idle before it is stopped (≥ 0). */
  SLIPWAY_AGENT_IDLE_GRACE_SECONDS: z.coerce.number().min(0).default(60),
  /**
   * Where deployments run replicas: `local` (supervised processes of the server, on its host) or
   * `agents` (on agents started with `slipway agent --roles deploy`; needs SLIPWAY_AGENT_TOKEN). Such
   * an agent is lost after SLIPWAY_LEASE_SECONDS without a report: its replicas restart on another
   * deploy agent, or fail when none is online.
   */
  SLIPWAY_DEPLOY_TARGET: z.enum(['local', 'agents']).default('local'),
  /** TCP port of the built-in traffic router that fronts deployed services. 0 picks a free port. */
  SLIPWAY_ROUTER_PORT: port.default(8081),
  /** Which router fronts deployed services: `builtin` (in-process) or `haproxy` (Debian's haproxy, started by Slipway). */
  SLIPWAY_ROUTER: z.enum(['builtin', 'haproxy']).default('builtin'),
  /** Interface of the built-in router; it binds 127.0.0.1 only for now (anything else is refused at start). */
  SLIPWAY_ROUTER_HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * The message bus of telemetry and canary decisions: `memory` (in-process, one server only), `redis`
   * (Streams, REDIS_URL) or `nats` (JetStream, NATS_URL). Replicas sharing one DATABASE_URL need redis or nats.
   */
  SLIPWAY_BUS: z.enum(['memory', 'redis', 'nats']).default('memory'),
  /** Redis of SLIPWAY_BUS=redis, e.g. redis://127.0.0.1:6379; when set, deployment locks live there too. */
  REDIS_URL: z.string().url().optional(),
  /** NATS of SLIPWAY_BUS=nats, e.g. nats://127.0.0.1:4222. */
  NATS_URL: z.string().url().optional(),
  /** TCP port of the canary gRPC service (telemetry intake, WatchDecisions) on 127.0.0.1. 0 picks a free port. */
  SLIPWAY_GRPC_PORT: port.default(8082),
  /**
   * A canary policy file (YAML), reloaded whenever it changes; new rollouts use its latest valid version.
   * Unset: the built-in default policy (until one is set through PUT /api/v1/canary/policy).
   */
  SLIPWAY_CANARY_POLICY: z.string().min(1).optional(),
  /**
   * An http(s) endpoint (e.g. a Slack incoming webhook) that gets every notification event (failed
   * default-branch runs, rollbacks, approvals waiting), as webhook `env-default`. Unset: only the
   * webhooks set through the API (`slipway notify add`).
   */
  SLIPWAY_NOTIFY_WEBHOOK_URL: z.string().regex(/^https?:\/\/[^/]/, { message: 'expected an http:// or https:// URL' }).optional(),
  /**
   * OpenTelemetry: the OTLP/HTTP collector's base URL, e.g. http://localhost:4318; traces go to
   * <it>/v1/traces. Unset (and no OTEL_EXPORTER_OTLP_TRACES_ENDPOINT): no tracing at all.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl('http://localhost:4318').optional(),
  /** OpenTelemetry: the full OTLP/HTTP traces URL, used as is, e.g. http://localhost:4318/v1/traces; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl('http://localhost:4318/v1/traces').optional(),
  /** OpenTelemetry: the exported spans' service.name. */
  OTEL_SERVICE_NAME: z.string().min(1).default('slipway'),
});

export type BlobStoreConfig =
  | { kind: 'fs'; /** Absolute path. */ dir: string }
  | { kind: 's3'; bucket: string; endpoint?: string; region?: string; prefix: string; forcePathStyle: boolean };

/** How `slipway up` scales its in-process agents (platform/autoscaleLocalAgents). */
export interface LocalAgentsConfig {
  /** Agents kept even with no work. */
  min: number;
  /** Agents never exceeded; ≥ max(min, 1). */
  max: number;
  /** Jobs one agent runs at once. */
  jobsPerAgent: number;
  /** Milliseconds an agent must be idle before it is stopped. */
  idleGraceMs: number;
}

export interface Config {
  port: number;
  host: string;
  /** Absolute path. */
  dataDir: string;
  databaseUrl?: string;
  logLevel: z.infer<typeof envSchema>['SLIPWAY_LOG_LEVEL'];
  /** 32 bytes (secrets/loadMasterKey). A secret itself: never log the whole Config. */
  masterKey?: Buffer;
  /** Artifact and cache storage (blobs/createBlobStore). */
  blobs: BlobStoreConfig;
  /** The agents' shared token. A secret: never log it. */
  agentToken?: string;
  /** Verifies GitHub webhook signatures. A secret: never log it. */
  githubWebhookSecret?: string;
  /** Compared with GitLab's X-Gitlab-Token. A secret: never log it. */
  gitlabWebhookToken?: string;
  /** Milliseconds a job's lease lasts without a heartbeat; loadConfig always sets it, unset means 15 000. */
  leaseMs?: number;
  /** Local agents of `slipway up`; loadConfig always sets it, unset means defaultLocalAgents(). */
  localAgents?: LocalAgentsConfig;
  /** Where replicas run; loadConfig always sets it, unset means local. */
  deployTarget?: 'local' | 'agents';
  /** The built-in router's port; loadConfig always sets it, unset means 8081. */
  routerPort?: number;
  /** builtin or haproxy; loadConfig always sets it, unset means builtin. */
  routerKind?: 'builtin' | 'haproxy';
  /** The built-in router's interface; loadConfig always sets it, unset means 127.0.0.1. */
  routerHost?: string;
  /** The bus (bus/createBus); loadConfig always sets it, unset means the in-process memory bus. */
  bus?: BusConfig;
  /** REDIS_URL when set: deployment locks are then held in Redis (deploy/lock) instead of the store. */
  redisUrl?: string;
  /** The canary gRPC port on 127.0.0.1; loadConfig always sets it, unset means 8082. */
  grpcPort?: number;
  /** Absolute path of the hot-reloaded canary policy file; unset: the built-in default policy. */
  canaryPolicyFile?: string;
  /** SLIPWAY_NOTIFY_WEBHOOK_URL: the default notification endpoint; a secret (its path is Slack's credential). */
  notifyWebhookUrl?: string;
  /** OpenTelemetry trace export (tracing/); unset: no tracing at all. */
  tracing?: TracingConfig;
}

export interface TracingConfig {
  /** The OTLP/HTTP traces endpoint, used as is, e.g. http://localhost:4318/v1/traces. */
  tracesUrl: string;
  /** service.name of the exported spans; default slipway. */
  serviceName: string;
}

/** Which bus to open: memory needs no url; redis and nats always have one. */
export type BusConfig = { kind: 'memory' } | { kind: 'redis' | 'nats'; url: string };

/** The local agents' defaults: 1 to the CPU count, one job each, stopped after 60 s idle. */
export function defaultLocalAgents(): LocalAgentsConfig {
  return { min: 1, max: availableParallelism(), jobsPerAgent: 1, idleGraceMs: 60_000 };
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
  const dataDir = resolve(cwd, overrides.dataDir ?? e.SLIPWAY_DATA_DIR);
  const config: Config = {
    port: overrides.port ?? e.SLIPWAY_PORT,
    host: overrides.host ?? e.SLIPWAY_HOST,
    dataDir,
    logLevel: overrides.logLevel ?? e.SLIPWAY_LOG_LEVEL,
    blobs: overrides.blobs ?? resolveBlobStoreConfig(e, dataDir, cwd),
    localAgents: overrides.localAgents ?? resolveLocalAgents(e),
    leaseMs: overrides.leaseMs ?? Math.round(e.SLIPWAY_LEASE_SECONDS * 1000),
    deployTarget: overrides.deployTarget ?? e.SLIPWAY_DEPLOY_TARGET,
    routerPort: overrides.routerPort ?? e.SLIPWAY_ROUTER_PORT,
    routerHost: overrides.routerHost ?? e.SLIPWAY_ROUTER_HOST,
    routerKind: overrides.routerKind ?? e.SLIPWAY_ROUTER,
    bus: overrides.bus ?? resolveBusConfig(e),
    ...((overrides.redisUrl ?? e.REDIS_URL) ? { redisUrl: overrides.redisUrl ?? e.REDIS_URL } : {}),
    grpcPort: overrides.grpcPort ?? e.SLIPWAY_GRPC_PORT,
  };
  const canaryPolicyFile = overrides.canaryPolicyFile ?? (e.SLIPWAY_CANARY_POLICY ? resolve(cwd, e.SLIPWAY_CANARY_POLICY) : undefined);
  if (canaryPolicyFile) config.canaryPolicyFile = canaryPolicyFile;
  const databaseUrl = overrides.databaseUrl ?? e.DATABASE_URL;
  if (databaseUrl) config.databaseUrl = databaseUrl;
  const masterKey = overrides.masterKey ?? (e.SLIPWAY_MASTER_KEY ? decodeMasterKey(e.SLIPWAY_MASTER_KEY) : undefined);
  if (masterKey) config.masterKey = masterKey;
  const agentToken = overrides.agentToken ?? e.SLIPWAY_AGENT_TOKEN;
  if (agentToken) config.agentToken = agentToken;
  const githubWebhookSecret = overrides.githubWebhookSecret ?? e.SLIPWAY_GITHUB_WEBHOOK_SECRET;
  if (githubWebhookSecret) config.githubWebhookSecret = githubWebhookSecret;
  const gitlabWebhookToken = overrides.gitlabWebhookToken ?? e.SLIPWAY_GITLAB_WEBHOOK_TOKEN;
  if (gitlabWebhookToken) config.gitlabWebhookToken = gitlabWebhookToken;
  const notifyWebhookUrl = overrides.notifyWebhookUrl ?? e.SLIPWAY_NOTIFY_WEBHOOK_URL;
  if (notifyWebhookUrl) config.notifyWebhookUrl = notifyWebhookUrl;
  const tracing = overrides.tracing ?? resolveTracingConfig(e);
  if (tracing) config.tracing = tracing;
  return config;
}

/** The signal-specific endpoint is used as is; the base endpoint gets v1/traces appended, as the OTLP exporter specification says. */
function resolveTracingConfig(e: z.infer<typeof envSchema>): TracingConfig | undefined {
  const tracesUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  return tracesUrl === undefined ? undefined : { tracesUrl, serviceName: e.OTEL_SERVICE_NAME };
}

function resolveBusConfig(e: z.infer<typeof envSchema>): BusConfig {
  if (e.SLIPWAY_BUS === 'memory') return { kind: 'memory' };
  const url = e.SLIPWAY_BUS === 'redis' ? e.REDIS_URL : e.NATS_URL;
  const variable = e.SLIPWAY_BUS === 'redis' ? 'REDIS_URL' : 'NATS_URL';
  if (!url) {
    const example = e.SLIPWAY_BUS === 'redis' ? 'redis://127.0.0.1:6379' : 'nats://127.0.0.1:4222';
    throw new AppError(ErrorCode.invalidArgument, `invalid environment: SLIPWAY_BUS=${e.SLIPWAY_BUS} needs ${variable} — set it, e.g. ${variable}=${example}`);
  }
  return { kind: e.SLIPWAY_BUS, url };
}

function resolveLocalAgents(e: z.infer<typeof envSchema>): LocalAgentsConfig {
  const min = e.SLIPWAY_LOCAL_AGENTS_MIN;
  if (e.SLIPWAY_LOCAL_AGENTS_MAX !== undefined && e.SLIPWAY_LOCAL_AGENTS_MAX < min) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `invalid environment: SLIPWAY_LOCAL_AGENTS_MAX (${e.SLIPWAY_LOCAL_AGENTS_MAX}) is below SLIPWAY_LOCAL_AGENTS_MIN (${min}) — raise MAX or lower MIN`,
    );
  }
  return {
    min,
    max: e.SLIPWAY_LOCAL_AGENTS_MAX ?? Math.max(availableParallelism(), min, 1),
    jobsPerAgent: e.SLIPWAY_JOBS_PER_AGENT,
    idleGraceMs: Math.round(e.SLIPWAY_AGENT_IDLE_GRACE_SECONDS * 1000),
  };
}

function resolveBlobStoreConfig(e: z.infer<typeof envSchema>, dataDir: string, cwd: string): BlobStoreConfig {
  if (e.SLIPWAY_BLOB_STORE === 'fs') {
    return { kind: 'fs', dir: e.SLIPWAY_BLOB_DIR ? resolve(cwd, e.SLIPWAY_BLOB_DIR) : resolve(dataDir, 'blobs') };
  }
  if (!e.SLIPWAY_S3_BUCKET) {
    throw new AppError(ErrorCode.invalidArgument, 'invalid environment: SLIPWAY_BLOB_STORE=s3 needs SLIPWAY_S3_BUCKET — set the bucket name');
  }
  const blobs: BlobStoreConfig = {
    kind: 's3',
    bucket: e.SLIPWAY_S3_BUCKET,
    prefix: e.SLIPWAY_S3_PREFIX,
    forcePathStyle: e.SLIPWAY_S3_FORCE_PATH_STYLE === 'true',
  };
  if (e.SLIPWAY_S3_ENDPOINT) blobs.endpoint = e.SLIPWAY_S3_ENDPOINT;
  if (e.SLIPWAY_S3_REGION) blobs.region = e.SLIPWAY_S3_REGION;
  return blobs;
}
