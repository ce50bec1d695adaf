import type { Bus } from '../../bus/index.js';
import type { RequestEvent } from '../router/router.js';

export const telemetryTopic = 'telemetry.raw';

export interface TelemetryPublisher {
  push(event: RequestEvent): void;
  /** Publishes what is buffered and stops the timer. */
  close(): Promise<void>;
}

/**
 * Router request events to `telemetry.raw`, batched every flushMs (one publishBatch per flush, not one
 * publish per request). Beyond maxBuffered unpublished events the newest are dropped and counted: the
 * proxy path must never wait for the bus.
 *
 * TODO(telemetry): payloads are JSON-encoded RequestEvents for now; switch to the protobuf
 * TelemetryBatch being defined in proto/ once it lands, and encode one batch per flush.
 */
export function createTelemetryPublisher(bus: Bus, options: { flushMs?: number; maxBuffered?: number; onError?: (error: unknown) => void } = {}): TelemetryPublisher {
  const maxBuffered = options.maxBuffered ?? 10_000;
  let buffer: Uint8Array[] = [];
  let dropped = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing
      .then(() => bus.publishBatch(telemetryTopic, batch))
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
      if (buffer.length >= maxBuffered) {
        dropped += 1;
        if (dropped === 1 || dropped % 10_000 === 0) options.onError?.(new Error(`telemetry: ${dropped} router events dropped, the bus is not keeping up`));
        return;
      }
      buffer.push(Buffer.from(JSON.stringify(event)));
    },
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
