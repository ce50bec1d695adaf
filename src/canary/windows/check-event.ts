import { RejectReason } from './reject-reason.js';
import type { TelemetryEvent } from './telemetry-event.js';

export interface EventCheckContext {
  nowMs: number;
  /** Undefined until the rollout has accepted its first event. */
  watermarkMs: number | undefined;
  maxFutureSkewMs: number;
}

/**
 * Why the event must not be folded in, or undefined when it may be. Pure: the limits that depend on
 * state held elsewhere (tracks, metric names) are checked by the caller.
 */
export function checkEvent(event: TelemetryEvent, context: EventCheckContext): RejectReason | undefined {
  const { eventTimeMs, latencyMs } = event;
  if (!Number.isFinite(eventTimeMs) || eventTimeMs < 0) return RejectReason.invalidEventTime;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) return RejectReason.invalidLatency;
  if (event.metrics !== undefined && !Object.values(event.metrics).every(Number.isFinite)) return RejectReason.invalidMetric;
  if (eventTimeMs > context.nowMs + context.maxFutureSkewMs) return RejectReason.futureEventTime;
  if (context.watermarkMs !== undefined && eventTimeMs < context.watermarkMs) return RejectReason.tooLate;
  return undefined;
}
