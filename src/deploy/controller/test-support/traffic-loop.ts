import { createTestClient } from '../../router/test-support/start-test-backends.js';

export interface TrafficRecord {
  /** 0: the request failed without an HTTP answer. */
  status: number;
  version: string | undefined;
  sentAtMs: number;
  doneAtMs: number;
  error?: string;
}

export interface TrafficLoop {
  readonly records: readonly TrafficRecord[];
  /** Stops the workers and resolves with everything they saw. */
  stop(): Promise<TrafficRecord[]>;
}

/**
 * `workers` clients, each sending one request at a time to `service` through the router with a short
 * pause between: a bounded load that still catches any moment without a healthy backend.
 */
export function startTrafficLoop(routerUrl: string, service: string, workers = 3, pauseMs = 5): TrafficLoop {
  const records: TrafficRecord[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    const client = createTestClient(routerUrl, service, 5_000);
    try {
      while (running) {
        const sentAtMs = Date.now();
        try {
          const res = await client.get();
          records.push({ status: res.status, version: res.version, sentAtMs, doneAtMs: Date.now(), ...(res.status === 200 ? {} : { error: res.body }) });
        } catch (error) {
          records.push({ status: 0, version: undefined, sentAtMs, doneAtMs: Date.now(), error: String(error) });
        }
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } finally {
      client.close();
    }
  });
  return {
    records,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return records;
    },
  };
}

/** Failed requests, for an assertion message that shows what went wrong. */
export function failuresOf(records: readonly TrafficRecord[]): TrafficRecord[] {
  return records.filter((record) => record.status !== 200);
}
