import type { TelemetryEvent } from '../telemetry-event.js';

/** A valid canary event at eventTimeMs; override any field. */
export function makeEvent(eventTimeMs: number, overrides: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return { rollout: 'r1', track: 'canary', eventTimeMs, latencyMs: 10, isError: false, ...overrides };
}
