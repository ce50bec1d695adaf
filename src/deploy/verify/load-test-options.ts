/**
 * User options of a load test → validated, defaulted `LoadTestOptions`. Every option has a unit in
 * its name and a default documented here; `runLoadTest` only ever sees the resolved form.
 */
import { z } from 'zod';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { HEADER_NAME, HEADER_VALUE } from './build-request-bytes.js';
import { parseThreshold } from './parse-threshold.js';
import { THRESHOLD_METRICS, THRESHOLD_OPERATORS, type Threshold } from './threshold.js';

/** Used when neither `requests` nor `durationMs` bounds the test, so it always stops. */
export const DEFAULT_DURATION_MS = 10_000;

const thresholdObject = z.object({
  metric: z.enum(THRESHOLD_METRICS),
  op: z.enum(THRESHOLD_OPERATORS),
  value: z.number().finite(),
});

/** `{p99Ms: 200, successRate: 0.995, minRps: 50}`: latencies are maxima, the others minima. */
const thresholdShorthand = z
  .object({
    avgMs: z.number().positive(),
    p50Ms: z.number().positive(),
    p90Ms: z.number().positive(),
    p95Ms: z.number().positive(),
    p99Ms: z.number().positive(),
    maxMs: z.number().positive(),
    successRate: z.number().min(0).max(1, 'successRate is a fraction 0..1, e.g. 0.995'),
    minRps: z.number().positive(),
  })
  .partial()
  .strict();

/**
 * Thresholds as a list of text (`p99<200ms`) or {metric, op, value} items, or as the shorthand
 * object. Hand-dispatched rather than a z.union, whose error for a bad item is only "Invalid input".
 */
const thresholdsSchema = z.unknown().optional().transform((value, ctx): Threshold[] => {
  const problem = (message: string, path: PropertyKey[] = []) => ctx.addIssue({ code: 'custom', message, path });
  if (value === undefined) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, i): Threshold[] => {
      if (typeof item === 'string') {
        const parsed = parseThreshold(item);
        if (parsed.ok) return [parsed.threshold];
        problem(parsed.message, [i]);
        return [];
      }
      const parsed = thresholdObject.safeParse(item);
      if (parsed.success) return [parsed.data];
      for (const issue of parsed.error.issues) problem(issue.message, [i, ...issue.path]);
      return [];
    });
  }
  const parsed = thresholdShorthand.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problem(issue.message, issue.path);
    return [];
  }
  return Object.entries(parsed.data).map(([key, limit]): Threshold => {
    if (key === 'minRps') return { metric: 'rps', op: '>=', value: limit };
    if (key === 'successRate') return { metric: 'successRate', op: '>=', value: limit };
    return { metric: key as Threshold['metric'], op: '<=', value: limit };
  });
});

export const loadTestOptionsSchema = z
  .object({
    /** Target, http:// only; `paths` (if any) replace its path. */
    url: z
      .string()
      .refine((text) => URL.canParse(text) && new URL(text).protocol === 'http:', 'must be an http:// URL, e.g. http://127.0.0.1:8080/health'),
    method: z.string().regex(/^[A-Z]+$/, 'must be an upper-case HTTP method, e.g. GET').default('GET'),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'header names are letters, digits and !#$%&\'*+.^_`|~-'),
        z.string().regex(HEADER_VALUE, 'header values cannot hold control characters such as CR or LF'),
      )
      .default({}),
    /** Request body sent with every request; none by default. */
    body: z.string().optional(),
    /** Requests in flight at once (closed model: workers; open model: the most that may overlap). */
    concurrency: z.number().int().min(1, 'must be ≥ 1').max(10_000, 'must be ≤ 10000').default(10),
    /** Requests per second, scheduled regardless of responses (open model). Unset: closed model. */
    rate: z.number().positive('must be > 0 requests per second').max(1_000_000).optional(),
    /** Stop after this many requests were started. */
    requests: z.number().int().min(1, 'must be ≥ 1').max(100_000_000).optional(),
    /** Stop starting requests after this long (ms). Default 10 s when `requests` is unset too. */
    durationMs: z.number().positive('must be > 0 ms').max(86_400_000, 'must be at most 24h').optional(),
    /**
     * Load before the measured run (ms), with the same options, its results discarded: connections
     * opened, JIT-compiled code and caches warm, as a deployment sees once it has served for a while.
     */
    warmupMs: z.number().min(0, 'must be ≥ 0 ms').max(3_600_000, 'must be at most 1h').default(0),
    /** Paths picked at random per request (seeded); unset: always the URL's own path. */
    paths: z.array(z.string().startsWith('/', "each path must start with '/'")).min(1, 'give at least one path or leave paths unset').optional(),
    /** Seed of the path choice, so a run's request sequence can be reproduced. */
    seed: z.number().int().default(1),
    /** Per request, from sending to the last byte of the body (ms). */
    timeoutMs: z.number().positive('must be > 0 ms').max(600_000).default(5_000),
    /** Responses with a status in [okStatusMin, okStatusMax] succeed; others are HTTP errors. */
    okStatusMin: z.number().int().min(100).max(599).default(200),
    okStatusMax: z.number().int().min(100).max(599).default(399),
    thresholds: thresholdsSchema,
  })
  .strict()
  .refine((o) => o.okStatusMin <= o.okStatusMax, { message: 'okStatusMin must be ≤ okStatusMax', path: ['okStatusMin'] })
  .transform((o) => ({
    ...o,
    durationMs: o.durationMs ?? (o.requests === undefined ? DEFAULT_DURATION_MS : undefined),
  }));

export type LoadTestOptionsInput = z.input<typeof loadTestOptionsSchema>;
export type LoadTestOptions = z.output<typeof loadTestOptionsSchema>;

/** Throws AppError(invalid_argument) listing every problem, one per line, as `field: problem`. */
export function parseLoadTestOptions(input: unknown): LoadTestOptions {
  const parsed = loadTestOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'options';
    return `${where}: ${issue.message}`;
  });
  throw new AppError(ErrorCode.invalidArgument, `invalid load test options:\n  ${problems.join('\n  ')}`, {
    cause: parsed.error,
    details: { problems },
  });
}
