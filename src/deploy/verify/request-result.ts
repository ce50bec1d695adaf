/**
 * How one request of a load test ended. Every way is a value, never a rejection, so the load loops
 * stay simple. Latency runs from sending (connecting first if needed, as `hey` counts it) to the
 * last byte of the body.
 */
export type RequestResult =
  | { kind: 'response'; status: number; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number }
  | { kind: 'connection'; code: string; latencyMs: number };
