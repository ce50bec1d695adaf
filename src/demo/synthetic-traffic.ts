import { Agent, request } from 'node:http';

export interface TrafficTotals {
  requests: number;
  /** Answered by a release with a status below 500. */
  ok: number;
  /** Answered by the router itself below 500: no release of the service yet (before the first deploy). */
  unrouted: number;
  /** 5xx answers, timeouts and connection errors. */
  errors: number;
  /** Answers by the router's x-slipway-version (`none` when the router answered itself). */
  byVersion: Record<string, number>;
  /** Errors by version (`none`: the router or the connection failed). */
  errorsByVersion: Record<string, number>;
  /** Per Host: requests and errors. */
  byHost: Record<string, { requests: number; errors: number }>;
}

export interface SyntheticTraffic {
  totals(): TrafficTotals;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<TrafficTotals>;
}

export interface SyntheticTrafficOptions {
  routerUrl: string;
  /** Each host gets `ratePerHost` requests per second (open model, so a slow canary shows as latency, not fewer samples). */
  hosts: readonly string[];
  /** Default 40: 20% of it is 8 canary requests/s, enough for the demo policy's minSamples in a 4 s window. */
  ratePerHost?: number;
  /** Requests in flight per host beyond which ticks are skipped, so an overloaded machine is not piled on. Default 20. */
  maxInFlightPerHost?: number;
  /** Per request. Default 5 000 ms. */
  timeoutMs?: number;
}

/** Steady requests through the built-in router to the demo's services, counted by version and outcome. */
export function startSyntheticTraffic(options: SyntheticTrafficOptions): SyntheticTraffic {
  const rate = options.ratePerHost ?? 40;
  const maxInFlight = options.maxInFlightPerHost ?? 20;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const url = new URL(options.routerUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight * options.hosts.length });
  const totals: TrafficTotals = { requests: 0, ok: 0, unrouted: 0, errors: 0, byVersion: {}, errorsByVersion: {}, byHost: {} };
  const inFlight = new Map<string, number>(options.hosts.map((host) => [host, 0]));
  const pending = new Set<Promise<void>>();
  for (const host of options.hosts) totals.byHost[host] = { requests: 0, errors: 0 };

  const send = (host: string): Promise<void> =>
    new Promise((resolve) => {
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      const finish = (version: string, failed: boolean) => {
        inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
        totals.requests += 1;
        totals.byHost[host]!.requests += 1;
        totals.byVersion[version] = (totals.byVersion[version] ?? 0) + 1;
        if (failed) {
          totals.errors += 1;
          totals.byHost[host]!.errors += 1;
          totals.errorsByVersion[version] = (totals.errorsByVersion[version] ?? 0) + 1;
        } else if (version === 'none') {
          totals.unrouted += 1;
        } else {
          totals.ok += 1;
        }
        resolve();
      };
      const req = request({ host: url.hostname, port: url.port, path: '/', agent, timeout: timeoutMs, headers: { host } }, (res) => {
        res.resume();
        res.on('end', () => finish([res.headers['x-slipway-version']].flat()[0] ?? 'none', (res.statusCode ?? 0) >= 500));
        res.on('error', () => finish('none', true));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => finish('none', true));
      req.end();
    });

  // A 25 ms tick spreads each host's requests evenly; the fractional carry keeps any rate exact.
  const tickMs = 25;
  let carry = 0;
  const timer = setInterval(() => {
    carry += (rate * tickMs) / 1000;
    const due = Math.floor(carry);
    carry -= due;
    for (let i = 0; i < due; i += 1) {
      for (const host of options.hosts) {
        if ((inFlight.get(host) ?? 0) >= maxInFlight) continue;
        const sent = send(host);
        pending.add(sent);
        void sent.finally(() => pending.delete(sent));
      }
    }
  }, tickMs);

  const snapshot = (): TrafficTotals => structuredClone(totals);
  let stopping: Promise<TrafficTotals> | undefined;
  return {
    totals: snapshot,
    stop: () => {
      stopping ??= (async () => {
        clearInterval(timer);
        await Promise.all([...pending]);
        agent.destroy();
        return snapshot();
      })();
      return stopping;
    },
  };
}
