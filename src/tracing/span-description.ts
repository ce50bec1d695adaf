/** Attribute values the mapping uses: OpenTelemetry allows these and arrays of them. */
export type SpanAttributeValue = string | number | boolean | string[];

/**
 * One span to export, described from store records: ids and times are explicit, so the description is
 * the same whichever replica makes it, and whenever.
 */
export interface SpanDescription {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** Absent for a trace's root span. */
  parentSpanId?: string;
  name: string;
  /** Milliseconds since the Unix epoch. */
  startMs: number;
  /** Milliseconds since the Unix epoch; never before startMs. */
  endMs: number;
  /** error for failed runs, jobs and deployments (message: the failure's); ok for succeeded ones; unset otherwise. */
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  attributes: Record<string, SpanAttributeValue>;
}
