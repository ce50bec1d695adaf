import type { Bus } from '../../bus/index.js';
import { encodeTelemetryEvents, type IngestedEvent, telemetryTopic } from '../../canary/index.js';
import type { RequestEvent } from '../router/router.js';
import { isErrorEvent } from './telemetry-window.js';

export { telemetryTopic };

export interface TelemetryPublisher {
  push(event: RequestEvent): void;
  /** Publishes what is buffered and stops the timer. */
  close(): Promise<void>;
}

export interface TelemetryPublisherOptions {
  /**
   * The canary rollout a service's requests belong to now, if any: only those are published, since the
   * engine can only use events of a rollout. Default: none (nothing is published).
   */
  rolloutOf?: (service: string) => string | undefined;
  flushMs?: number;
  maxBuffered?: number;
  onError?: (error: unknown) => void;
}

/**
 * Router request events of services under a canary rollout to `telemetry.raw`, as one compact
 * TelemetryBatch (protobuf) per flush — the form the canary engine decodes. Beyond maxBuffered
 * unpublished events the newest are dropped and counted: the proxy path must never wait for the bus.
 *
 * The built-in router has stable and canary backends but no separate baseline replicas, so stable's
 * requests during the rollout go out as the `baseline` track: they are served over the same seconds
 * as the canary's, which is what a relative rule (canary p99 ≤ 1.2 × baseline p99) needs.
 */
export function createTelemetryPublisher(bus: Bus, options: TelemetryPublisherOptions = {}): TelemetryPublisher {
  const maxBuffered = options.maxBuffered ?? 10_000;
  let buffer: IngestedEvent[] = [];
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing
      .then(() => bus.publish(telemetryTopic, encodeTelemetryEvents(batch)))
      .then(
        () => undefined,
        (error: unknown) => options.onError?.(error),
      );
    return flushing;
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 200);
  timer.unref();
  return {
    push(event) {
      const rollout = options.rolloutOf?.(event.service);
      // No backend chosen (no version): the request belongs to neither side of the comparison.
      if (rollout === undefined || event.version === undefined) return;
      if (buffer.length >= maxBuffered) {
        dropped += 1;
        if (dropped === 1 || dropped % 10_000 === 0) options.onError?.(new Error(`telemetry: ${dropped} router events dropped, the bus is not keeping up`));
        return;
      }
      buffer.push({
        service: event.service,
        rollout,
        version: event.version,
        track: event.track === 'canary' ? 'canary' : 'baseline',
        eventTimeMs: Math.round(event.timeMs),
        latencyMs: event.latencyMs,
        statusCode: event.status,
        isError: isErrorEvent(event),
      });
    },
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
