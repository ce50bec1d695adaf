import { z } from 'zod';
import type { TelemetryRecord } from './telemetry-record.js';

/**
 * Well-formedness only. Values that are well-typed but wrong (negative latency, NaN is impossible in
 * JSON, times far in the future) pass through, so the engine rejects and counts them exactly as it
 * would have live; a line that is not a record at all stops the replay instead of being guessed at.
 */
/** formatTelemetryRecord writes non-finite numbers as strings; read them back as the numbers. */
const numberSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)], { error: 'must be a number' });

const eventLineSchema = z.strictObject({
  kind: z.literal('event').optional(),
  rollout: z.string().min(1),
  track: z.string().min(1),
  eventTimeMs: numberSchema,
  latencyMs: numberSchema,
  isError: z.boolean(),
  metrics: z.record(z.string(), numberSchema).optional(),
  receivedAtMs: z.number().optional(),
});

const stepLineSchema = z.strictObject({
  kind: z.literal('step'),
  rollout: z.string().min(1),
  step: z.int().min(1),
  stepStartedMs: z.number(),
  state: z.enum(['progressing', 'paused', 'rolled_back', 'completed']).optional(),
  atMs: z.number().optional(),
});

export type NdjsonLine = { ok: true; record: TelemetryRecord | undefined } | { ok: false; message: string };

/** One line of an ndjson telemetry file; blank lines give no record. */
export function parseNdjsonTelemetryLine(line: string): NdjsonLine {
  if (line.trim() === '') return { ok: true, record: undefined };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, message: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const isStep = typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'step';
  const parsed = (isStep ? stepLineSchema : eventLineSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `'${issue.path.join('.')}' ` : '';
    const what = isStep ? 'a step record' : 'an event {rollout, track, eventTimeMs, latencyMs, isError, metrics?, receivedAtMs?}';
    return { ok: false, message: `not ${what}: ${where}${issue.message}` };
  }
  if (parsed.data.kind === 'step') return { ok: true, record: parsed.data as TelemetryRecord };
  const { receivedAtMs, kind: _kind, ...event } = parsed.data;
  return { ok: true, record: receivedAtMs === undefined ? { kind: 'event', event } : { kind: 'event', event, receivedAtMs } };
}
