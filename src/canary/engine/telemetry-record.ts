import type { TelemetryEvent } from '../windows/telemetry-event.js';
import type { RolloutState } from './decision.js';

/**
 * One line of recorded telemetry: what the engine ingested, in order, with the clock reading at the
 * time. Replaying the records with that clock is what makes replayed decisions equal live ones.
 */
export type TelemetryRecord = EventRecord | StepRecord;

export interface EventRecord {
  kind: 'event';
  event: TelemetryEvent;
  /** The engine's clock when it ingested the event; absent in hand-made files (event time is used). */
  receivedAtMs?: number;
}

/** The deploy controller moved the rollout (new step, pause, finish); the engine was told. */
export interface StepRecord {
  kind: 'step';
  rollout: string;
  step: number;
  stepStartedMs: number;
  state?: RolloutState;
  atMs?: number;
}

/**
 * The ndjson form: an event is the event's own fields plus `receivedAtMs`; a step has `kind: step`.
 * NaN and ±Infinity are written as the strings "NaN", "Infinity", "-Infinity": JSON would turn them
 * into null, and the replay must see the same bad value the engine rejected live.
 */
export function formatTelemetryRecord(record: TelemetryRecord): string {
  if (record.kind === 'step') return JSON.stringify(record, keepNonFinite);
  const { rollout, track, eventTimeMs, latencyMs, isError, metrics } = record.event;
  return JSON.stringify({ rollout, track, eventTimeMs, latencyMs, isError, metrics, receivedAtMs: record.receivedAtMs }, keepNonFinite);
}

function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

/** The replay clock reading for a record: when it was received, else its own time. */
export function readRecordTimeMs(record: TelemetryRecord): number {
  if (record.kind === 'step') return record.atMs ?? record.stepStartedMs;
  return record.receivedAtMs ?? record.event.eventTimeMs;
}
