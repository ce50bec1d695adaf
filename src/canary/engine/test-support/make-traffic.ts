import type { TelemetryEvent } from '../../windows/telemetry-event.js';

export interface TrafficSpec {
  rollout?: string;
  track: string;
  fromMs: number;
  toMs: number;
  requestsPerSecond: number;
  errorRate?: number;
  /** Latencies are drawn uniformly from [minMs, maxMs]. */
  latencyMs?: { minMs: number; maxMs: number };
  metrics?: Record<string, number>;
}

/** Evenly spaced requests of one track, errors and latencies drawn from `random`. */
export function makeTraffic(spec: TrafficSpec, random: () => number): TelemetryEvent[] {
  const events: TelemetryEvent[] = [];
  const stepMs = 1000 / spec.requestsPerSecond;
  const { minMs, maxMs } = spec.latencyMs ?? { minMs: 10, maxMs: 30 };
  for (let t = spec.fromMs; t < spec.toMs; t += stepMs) {
    const event: TelemetryEvent = {
      rollout: spec.rollout ?? 'r1',
      track: spec.track,
      eventTimeMs: Math.floor(t),
      latencyMs: minMs + random() * (maxMs - minMs),
      isError: random() < (spec.errorRate ?? 0),
    };
    if (spec.metrics !== undefined) event.metrics = spec.metrics;
    events.push(event);
  }
  return events;
}

/**
 * Arrival order: by event time, each event delayed by up to `jitterMs` (so some arrive out of
 * order, within lateness), and the arrival time each was received at.
 */
export function scheduleArrivals(events: TelemetryEvent[], jitterMs: number, random: () => number): { event: TelemetryEvent; receivedAtMs: number }[] {
  return events
    .map((event) => ({ event, receivedAtMs: event.eventTimeMs + Math.floor(random() * jitterMs) }))
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs || a.event.eventTimeMs - b.event.eventTimeMs);
}
