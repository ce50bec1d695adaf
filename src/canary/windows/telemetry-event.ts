/** One request observed by a replica or the router, as the engine receives it from `telemetry.raw`. */
export interface TelemetryEvent {
  rollout: string;
  /** Which side of the comparison served the request, e.g. `canary` or `baseline`. */
  track: string;
  /** When the request happened (event time), in ms since the Unix epoch; not when it arrived. */
  eventTimeMs: number;
  latencyMs: number;
  isError: boolean;
  /** Custom per-request values (e.g. `bytesOut`), summed per bucket. */
  metrics?: Readonly<Record<string, number>>;
}
