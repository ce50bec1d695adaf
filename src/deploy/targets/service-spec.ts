/**
 * How a release runs: user options → validated, defaulted `ServiceSpec`. Targets only ever see the
 * resolved form. Times are in milliseconds and every option has a default documented here.
 */
import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';

const probeFields = {
  /** HTTP GET path on the replica's own port; any 2xx/3xx answer is a success. */
  path: z.string().startsWith('/', "must start with '/', e.g. /healthz").default('/'),
  /** Time between two probes of one replica. */
  intervalMs: z.number().int().min(10, 'must be ≥ 10 ms').max(300_000, 'must be ≤ 5 min'),
  /** A probe slower than this counts as a failure. */
  timeoutMs: z.number().int().min(10, 'must be ≥ 10 ms').max(60_000, 'must be ≤ 60 s'),
  /** Consecutive successes that make a replica ready (again). */
  successThreshold: z.number().int().min(1, 'must be ≥ 1').max(100),
  /** Consecutive failures that make a replica unhealthy (readiness) or restart it (liveness). */
  failureThreshold: z.number().int().min(1, 'must be ≥ 1').max(100),
};

const readinessSchema = z
  .object({
    path: probeFields.path,
    intervalMs: probeFields.intervalMs.default(500),
    timeoutMs: probeFields.timeoutMs.default(1_000),
    successThreshold: probeFields.successThreshold.default(1),
    failureThreshold: probeFields.failureThreshold.default(3),
  })
  .strict();

/** Liveness runs only once a replica has been ready: a slow start is readiness's business. */
const livenessSchema = z
  .object({
    path: probeFields.path,
    intervalMs: probeFields.intervalMs.default(5_000),
    timeoutMs: probeFields.timeoutMs.default(1_000),
    successThreshold: probeFields.successThreshold.default(1),
    failureThreshold: probeFields.failureThreshold.default(3),
  })
  .strict();

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envRecord = z.record(z.string().regex(envName, 'env names are letters, digits and _, not starting with a digit'), z.string());

export const serviceSpecSchema = z
  .object({
    /** DNS-label-like, so it can name router services and replica ids. */
    name: z.string().regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower-case letters, digits and -, e.g. web-api'),
    /** Run with `bash -c` in the release's directory; it must listen on $HOST:$PORT (127.0.0.1 unless a deploy agent says otherwise). */
    start: z.string().trim().min(1, 'give the command that starts one replica, e.g. "node server.js"'),
    /**
     * 'free' (default): every replica gets its own free port from the OS, passed as $PORT.
     * A number pins the port, which only works for a single replica.
     */
    port: z.union([z.literal('free'), z.number().int().min(1).max(65_535, 'must be a TCP port 1..65535')]).default('free'),
    replicas: z.number().int().min(0, 'must be ≥ 0').max(256, 'must be ≤ 256').default(1),
    readiness: readinessSchema.default(readinessSchema.parse({})),
    /** Unset: no liveness probe (a crash still restarts the replica). */
    liveness: livenessSchema.optional(),
    env: envRecord.default({}),
    /** Resolved secret values: passed like env, and masked in anything a target reports. */
    secrets: envRecord.default({}),
    /** Between SIGTERM and SIGKILL of a replica's process group on stop. */
    stopTimeoutMs: z.number().int().min(0).max(600_000, 'must be ≤ 10 min').default(10_000),
    /** First restart delay after a crash; doubles per consecutive crash up to restartBackoffMaxMs. */
    restartBackoffMs: z.number().int().min(0).max(600_000).default(500),
    restartBackoffMaxMs: z.number().int().min(0).max(3_600_000).default(30_000),
  })
  .strict()
  .refine((o) => o.port === 'free' || o.replicas <= 1, {
    message: 'a fixed port can serve only one replica; use port: free (the default) and listen on $PORT',
    path: ['port'],
  })
  .refine((o) => !Object.keys(o.env).some((key) => key in o.secrets), {
    message: 'a name is in both env and secrets; keep it in one',
    path: ['secrets'],
  })
  .refine((o) => !('PORT' in o.env) && !('PORT' in o.secrets), {
    message: 'PORT is set by the target; remove it from env/secrets',
    path: ['env'],
  });

export type ServiceSpecInput = z.input<typeof serviceSpecSchema>;
export type ServiceSpec = z.output<typeof serviceSpecSchema>;
export type ProbeSpec = z.output<typeof readinessSchema>;

/** Throws AppError(invalid_argument) naming every bad field, e.g. `replicas: must be ≥ 0`. */
export function parseServiceSpec(input: unknown): ServiceSpec {
  const result = serviceSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(service)'}: ${issue.message}`);
  throw new AppError(ErrorCode.invalidArgument, `invalid service spec:\n  ${lines.join('\n  ')}`, {
    cause: result.error,
    details: { issues: result.error.issues },
  });
}
