import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { toHrTime, toReadableSpan } from './to-readable-span.js';

describe('toReadableSpan', () => {
  it('keeps the fraction of a millisecond as nanoseconds', () => {
    expect(toHrTime(1_500.25)).toEqual([1, 500_250_000]);
    expect(toHrTime(1_795_337_589_938)).toEqual([1_795_337_589, 938_000_000]);
    expect(toHrTime(999.9999999)).toEqual([0, 999_999_999]);
  });

  it('carries the ids, parent, times, status and attributes of the description, sampled and ended', () => {
    const resource = resourceFromAttributes({ 'service.name': 'slipway' });
    const span = toReadableSpan(
      {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        parentSpanId: 'c'.repeat(16),
        name: 'job test',
        startMs: 1_000,
        endMs: 3_500,
        status: { code: 'error', message: 'exit code 3' },
        attributes: { 'slipway.job.key': 'test' },
      },
      resource,
      { name: 'slipway', version: '1' },
    );
    expect(span.spanContext()).toEqual({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(span.parentSpanContext).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'c'.repeat(16) });
    expect([span.startTime, span.endTime, span.duration]).toEqual([[1, 0], [3, 500_000_000], [2, 500_000_000]]);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'exit code 3' });
    expect(span).toMatchObject({ name: 'job test', ended: true, attributes: { 'slipway.job.key': 'test' }, resource });
    const root = toReadableSpan({ traceId: 'a'.repeat(32), spanId: 'd'.repeat(16), name: 'run ci', startMs: 0, endMs: 0, status: { code: 'ok' }, attributes: {} }, resource, { name: 'slipway' });
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.status).toEqual({ code: SpanStatusCode.OK });
  });
});
