import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { claimFinishedRecords } from './claim-finished-records.js';
import { createPollLoop } from '../outbound/poll-loop.js';
import { describeDeploymentSpans, describeRunSpans } from './describe-spans.js';
import { resolveTracePublisherOptions, type TracePublisherOptions } from './trace-publisher-options.js';
import { toReadableSpan } from './to-readable-span.js';

export interface TracePublisher {
  /** The first poll (it fixes the cursors' floor on a store's first start), then polls until stop(). Never throws: failures are logged. */
  start(): Promise<void>;
  /** Stops polling and flushes the spans handed to the exporter (each request ends within exportTimeoutMs). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Exports finished runs and deployments as OpenTelemetry traces: a loop that claims what finished since
 * its last poll (claim-finished-records.ts), describes it as spans (describe-spans.ts) and hands them to
 * the SDK's BatchSpanProcessor and OTLP/HTTP exporter. Like the notifier it reads rows after the fact,
 * so a slow or unreachable collector never slows a run or a deployment; it only delays their spans.
 * Spans whose export failed (collector down, refused, timed out) are handed to the exporter again
 * with the next poll's, and again, until they are accepted: while this process runs, a collector
 * outage costs no span, up to maxRetrySpans kept (older ones are dropped first, and said in the log).
 */
export function createTracePublisher(options: TracePublisherOptions): TracePublisher {
  const o = resolveTracePublisherOptions(options);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.serviceName, [ATTR_SERVICE_VERSION]: o.serviceVersion });
  const scope = { name: 'slipway', version: o.serviceVersion };
  const retry: ReadableSpan[] = [];
  // While exports fail, a poll probes with one batch of the kept spans rather than all of them, so a
  // collector that hangs costs one request timeout per poll, not one per kept batch.
  let failing = false;
  const keepForRetry = (spans: ReadableSpan[] | undefined) => {
    failing = spans !== undefined;
    if (spans === undefined) return;
    retry.push(...spans);
    const dropped = retry.length - maxRetrySpans;
    if (dropped > 0) {
      retry.splice(0, dropped);
      o.logger.warn({ dropped }, 'dropped the oldest spans kept for another export: the OTLP endpoint has been failing for long');
    }
  };
  const exporter = retryingExporter(new OTLPTraceExporter({ url: o.tracesUrl, timeoutMillis: o.exportTimeoutMs }), o.logger, keepForRetry);
  // Every value given: the SDK's OTEL_BSP_* fallbacks are not consulted (config/ is the one reader of
  // the environment). The loop flushes after every poll, so the queue holds at most one poll's spans.
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: 100_000,
    maxExportBatchSize: o.maxExportBatchSize,
    scheduledDelayMillis: o.pollIntervalMs,
    exportTimeoutMillis: o.exportTimeoutMs,
  });
  let stopped: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    try {
      const claimed = await claimFinishedRecords(o.db, o.clock, o.claim);
      const spans = [...claimed.runs.flatMap(describeRunSpans), ...claimed.deployments.flatMap(describeDeploymentSpans)];
      // What failed before goes first, with this poll's; it comes back here if it fails again.
      const again = retry.splice(0, failing ? o.maxExportBatchSize : retry.length);
      if (spans.length === 0 && again.length === 0) return;
      for (const span of again) processor.onEnd(span);
      for (const span of spans) processor.onEnd(toReadableSpan(span, resource, scope));
      // Waiting for the export paces the loop to the collector: a slow one is polled less often rather
      // than handed more than the queue holds.
      await processor.forceFlush();
    } catch (err) {
      o.logger.error({ err }, 'trace export poll failed');
    }
  };

  const loop = createPollLoop(o.pollIntervalMs, tick);

  return {
    start: () => loop.start(),
    stop: () => {
      stopped ??= (async () => {
        await loop.stop();
        await processor.shutdown().catch((err: unknown) => o.logger.error({ err }, 'trace export shutdown failed'));
      })();
      return stopped;
    },
  };
}

/** Spans kept for another export at most; past it the oldest are dropped (about 1 KB each). */
const maxRetrySpans = 50_000;

/**
 * The OTLP exporter reports failures only to the OpenTelemetry diag logger: say them in the server's
 * log, and hand the spans of a failed export to `keep` for the next poll (the exporter itself retries
 * only some HTTP statuses, within one request's timeout); `keep(undefined)` says one succeeded.
 */
function retryingExporter(inner: SpanExporter, logger: TracePublisherOptions['logger'], keep: (failed: ReadableSpan[] | undefined) => void): SpanExporter {
  return {
    export: (spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]) => {
      inner.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0 (@opentelemetry/core, not a dependency of ours).
        if (result.error !== undefined || result.code !== 0) {
          logger.warn({ err: result.error, spans: spans.length }, 'could not export spans to the OTLP endpoint: trying again with the next poll');
          keep(spans);
        } else {
          keep(undefined);
        }
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
