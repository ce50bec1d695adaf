import type { TelemetryEvent } from '../windows/telemetry-event.js';

export type TrackName = 'stable' | 'baseline' | 'canary';

/** One event as it comes off the wire (a TelemetryBatch), before or after validation. */
export interface IngestedEvent extends TelemetryEvent {
  service: string;
  version: string;
  track: TrackName;
  /** 0 when unknown. */
  statusCode: number;
}
