import type { RequestEvent } from '../router/router.js';

/** Request outcomes per service and version over the last `keepMs`: what the health analysis reads. */
export interface TelemetryWindow {
  record(event: RequestEvent): void;
  /** Requests to `version` of `service` that reached the router at or after sinceMs, and how many failed. */
  count(service: string, version: string, sinceMs: number): { requests: number; errors: number };
}

/** A 5xx, or a request the router itself failed, counts as an error; 4xx are the client's business. */
export function isErrorEvent(event: RequestEvent): boolean {
  return event.status >= 500 || event.error !== undefined;
}

/**
 * Per-second buckets, so memory grows with seconds × versions, not with requests. Until the canary
 * engine (src/canary) is wired to `telemetry.raw`, this is the controller's own view of the router.
 */
export function createTelemetryWindow(options: { keepMs: number; now: () => number }): TelemetryWindow {
  // key `${service}\0${version}` → second → [requests, errors]
  const buckets = new Map<string, Map<number, [number, number]>>();
  const prune = (perSecond: Map<number, [number, number]>) => {
    const oldest = Math.floor((options.now() - options.keepMs) / 1000);
    for (const second of perSecond.keys()) if (second < oldest) perSecond.delete(second);
  };
  return {
    record(event) {
      if (event.version === undefined) return;
      const key = `${event.service}\0${event.version}`;
      const perSecond = buckets.get(key) ?? new Map<number, [number, number]>();
      buckets.set(key, perSecond);
      const second = Math.floor(event.timeMs / 1000);
      const bucket = perSecond.get(second) ?? [0, 0];
      bucket[0] += 1;
      if (isErrorEvent(event)) bucket[1] += 1;
      perSecond.set(second, bucket);
      if (perSecond.size > options.keepMs / 1000 + 2) prune(perSecond);
    },
    count(service, version, sinceMs) {
      const perSecond = buckets.get(`${service}\0${version}`);
      let requests = 0;
      let errors = 0;
      const from = Math.floor(Math.max(sinceMs, options.now() - options.keepMs) / 1000);
      for (const [second, [r, e]] of perSecond ?? []) {
        if (second < from) continue;
        requests += r;
        errors += e;
      }
      return { requests, errors };
    },
  };
}
