import { createManualClock } from '../../../clock/clock.js';
import type { IngestedEvent } from '../ingested-event.js';
import type { RolloutLookup } from '../rollout-lookup.js';

export const nowMs = Date.parse('2026-03-01T12:00:00Z');
export const telemetryClock = createManualClock(nowMs);

/** A fixed set of rollouts (id → service, and the owning team when given), for tests of ingestion without a store. */
export function staticRolloutLookup(services: Record<string, string>, teams: Record<string, number> = {}): RolloutLookup {
  return {
    ownersOf: async (ids) => new Map(ids.filter((id) => id in services).map((id) => [id, { service: services[id]!, teamId: teams[id] ?? null }])),
  };
}

export function testEvent(overrides: Partial<IngestedEvent> = {}): IngestedEvent {
  return {
    service: 'web',
    rollout: 'web-42',
    version: 'v2',
    track: 'canary',
    eventTimeMs: nowMs - 1000,
    latencyMs: 12.5,
    statusCode: 200,
    isError: false,
    ...overrides,
  };
}
