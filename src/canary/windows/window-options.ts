import { AppError, ErrorCode } from '../../errors/app-error.js';

/** Window shape and limits for one rollout. Every option has a default and a unit in its name. */
export interface WindowOptions {
  /** Width of one event-time bucket. Default 1. */
  bucketSeconds: number;
  /** Length of the sliding window; a whole number of buckets. Default 60. */
  windowSeconds: number;
  /** How far behind the newest event time an event may be and still be folded in. Default 5. */
  allowedLatenessSeconds: number;
  /** How far ahead of the clock an event time may be (clock skew between hosts). Default 10. */
  maxFutureSkewSeconds: number;
  /** DDSketch relative accuracy of latency quantiles, in (0, 1). Default 0.01 (1 %). */
  relativeAccuracy: number;
  /** Tracks per rollout (canary, baseline, ...); bounds memory against bad track names. Default 8. */
  maxTracks: number;
  /** Custom metric names per track. Default 16. */
  maxMetricNames: number;
}

export const DEFAULT_WINDOW_OPTIONS: Readonly<WindowOptions> = {
  bucketSeconds: 1,
  windowSeconds: 60,
  allowedLatenessSeconds: 5,
  maxFutureSkewSeconds: 10,
  relativeAccuracy: 0.01,
  maxTracks: 8,
  maxMetricNames: 16,
};

/** Defaults filled in and checked; throws invalid_argument naming the option and the fix. */
export function resolveWindowOptions(input: Partial<WindowOptions> = {}): WindowOptions {
  const options = { ...DEFAULT_WINDOW_OPTIONS, ...input };
  const fail = (option: keyof WindowOptions, rule: string) =>
    new AppError(ErrorCode.invalidArgument, `window option ${option} is ${String(options[option])}; it must be ${rule}`, {
      details: { option, value: options[option] },
    });
  const bucketMs = options.bucketSeconds * 1000;
  if (!Number.isInteger(bucketMs) || bucketMs < 1) throw fail('bucketSeconds', 'a positive number of whole milliseconds (e.g. 1 or 0.5)');
  const windowMs = options.windowSeconds * 1000;
  if (!Number.isInteger(windowMs) || windowMs < bucketMs || windowMs % bucketMs !== 0) {
    throw fail('windowSeconds', `a whole multiple of bucketSeconds (${options.bucketSeconds})`);
  }
  if (!(options.allowedLatenessSeconds >= 0) || !Number.isFinite(options.allowedLatenessSeconds)) throw fail('allowedLatenessSeconds', 'a finite number ≥ 0');
  if (!(options.maxFutureSkewSeconds >= 0) || !Number.isFinite(options.maxFutureSkewSeconds)) throw fail('maxFutureSkewSeconds', 'a finite number ≥ 0');
  if (!(options.relativeAccuracy > 0 && options.relativeAccuracy < 1)) throw fail('relativeAccuracy', 'between 0 and 1, e.g. 0.01 for 1 %');
  if (!Number.isInteger(options.maxTracks) || options.maxTracks < 1) throw fail('maxTracks', 'a whole number ≥ 1');
  if (!Number.isInteger(options.maxMetricNames) || options.maxMetricNames < 0) throw fail('maxMetricNames', 'a whole number ≥ 0');
  return options;
}
