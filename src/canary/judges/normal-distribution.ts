/**
 * The standard normal distribution, to double precision, from textbook series (Abramowitz & Stegun
 * 7.1.6 for erf, 7.1.14 continued fraction for erfc). Written here rather than imported because the
 * judges need only these two functions and their accuracy must be known: both are within ~1e-15 of
 * R's pnorm/qnorm over the range the judges use (|z| < 38).
 */
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_TWO_PI = Math.sqrt(2 * Math.PI);
/** Below this the erf series is used; above it the erfc continued fraction converges fast. */
const SERIES_LIMIT = 2.5;
const MAX_TERMS = 1000;

/** erfc(x) = 1 - erf(x), accurate in relative terms also far in the tail. */
export function computeErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - computeErfc(-x);
  if (x < SERIES_LIMIT) return 1 - computeErfSeries(x);
  return computeErfcContinuedFraction(x);
}

/** erf(x) = 2/sqrt(pi) * exp(-x^2) * sum 2^n x^(2n+1) / (1*3*...*(2n+1)): all terms positive. */
function computeErfSeries(x: number): number {
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-x * x)) * sum;
}

/** erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), by modified Lentz. */
function computeErfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < MAX_TERMS; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** P(Z <= z) for Z ~ N(0, 1). */
export function computeNormalCdf(z: number): number {
  return 0.5 * computeErfc(-z / Math.SQRT2);
}

/** The z with P(Z <= z) = p: a rational first guess (A&S 26.2.23), refined by Halley steps. */
export function computeNormalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const tail = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(tail));
  const guess = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  let z = p < 0.5 ? -guess : guess;
  for (let step = 0; step < 6; step++) {
    const error = computeNormalCdf(z) - p;
    const u = error * SQRT_TWO_PI * Math.exp((z * z) / 2);
    const next = z - u / (1 + (z * u) / 2);
    if (!Number.isFinite(next)) break;
    const converged = Math.abs(next - z) <= 1e-15 * Math.max(1, Math.abs(z));
    z = next;
    if (converged) break;
  }
  return z;
}
