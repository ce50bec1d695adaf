import { type HrTime, SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanDescription } from './span-description.js';

/** Milliseconds since the epoch (fractions kept: the store has microseconds) as [seconds, nanoseconds]. */
export function toHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
}

const statusCodes = { unset: SpanStatusCode.UNSET, ok: SpanStatusCode.OK, error: SpanStatusCode.ERROR } as const;

/**
 * A finished span the SDK's processors and exporters take, built from a description rather than
 * recorded by a Tracer: a Tracer draws ids from its IdGenerator and is meant for work happening now,
 * while these spans are history read from the store, with ids derived from it (trace-ids.ts).
 */
export function toReadableSpan(span: SpanDescription, resource: Resource, instrumentationScope: ReadableSpan['instrumentationScope']): ReadableSpan {
  const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  const durationMs = span.endMs - span.startMs;
  return {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    ...(span.parentSpanId === undefined ? {} : { parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false } }),
    startTime: toHrTime(span.startMs),
    endTime: toHrTime(span.endMs),
    duration: toHrTime(durationMs),
    status: span.status.message === undefined ? { code: statusCodes[span.status.code] } : { code: statusCodes[span.status.code], message: span.status.message },
    attributes: span.attributes,
    links: [],
    events: [],
    ended: true,
    resource,
    instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
