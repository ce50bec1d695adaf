import type { ProbeSpec } from '../service-spec.js';
import { type ProbeResult, probeHttp } from './probe-http.js';

export interface ProbeStreak {
  /** Consecutive successes (0 after a failure) and failures (0 after a success). */
  successes: number;
  failures: number;
}

export interface ProbeLoop {
  stop(): void;
}

/**
 * Probes `baseUrl + spec.path` every intervalMs, one probe at a time (a slow probe delays the next
 * rather than piling up), and reports every result with the current streak. Stopping drops an
 * in-flight result, so a stopped loop never calls back.
 */
export function startProbeLoop(
  baseUrl: string,
  spec: ProbeSpec,
  onResult: (result: ProbeResult, streak: ProbeStreak) => void,
): ProbeLoop {
  const streak: ProbeStreak = { successes: 0, failures: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(async () => {
      const result = await probeHttp(baseUrl + spec.path, spec.timeoutMs);
      if (stopped) return;
      if (result.ok) {
        streak.successes += 1;
        streak.failures = 0;
      } else {
        streak.failures += 1;
        streak.successes = 0;
      }
      onResult(result, { ...streak });
      if (!stopped) schedule();
    }, spec.intervalMs);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
