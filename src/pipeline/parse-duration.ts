/**
 * Durations in `.pipeline.yml`: `500ms`, `30s`, `10m`, `1h30m`, `7d`, or a bare number of seconds.
 * Units must appear largest first and at most once, so `30m1h` is rejected rather than guessed at.
 */
export const DURATION_PATTERN =
  /^(?:\d+(?:\.\d+)?|(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?)$/;

const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1_000, 1] as const;

/** Milliseconds for a duration, or undefined when `value` is not one. Bare numbers are seconds. */
export function parseDurationMs(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const match = DURATION_PATTERN.exec(value);
  if (!match) return undefined;
  if (match.slice(1).every((part) => part === undefined)) return Number(value) * 1000;
  let ms = 0;
  UNIT_MS.forEach((unitMs, i) => {
    const part = match[i + 1];
    if (part !== undefined) ms += Number(part) * unitMs;
  });
  return ms;
}
