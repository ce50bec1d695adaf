/**
 * Brent's root finder (R. P. Brent, "Algorithms for Minimization without Derivatives", 1973, ch. 4:
 * the `zeroin` procedure), in the form R's `uniroot` and Kayenta's KayentaBrentSolver use. Matching
 * that form step for step matters: the Wilcoxon shift function is a step function, so any point in
 * the last bracket is "a root", and only the same iterates give the same confidence bounds.
 */
export interface RootSearch {
  lowerX: number;
  upperX: number;
  /** f(lowerX) and f(upperX), often already known to the caller. */
  lowerY: number;
  upperY: number;
  /** Absolute tolerance on x; R's wilcox.test uses 1e-4. */
  toleranceX: number;
  /** R's uniroot default is 1000. */
  maxIterations: number;
}

export function findRootBrent(f: (x: number) => number, search: RootSearch): number {
  let a = search.lowerX;
  let b = search.upperX;
  let fa = search.lowerY;
  let fb = search.upperY;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let iteration = 0; iteration <= search.maxIterations; iteration++) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // b becomes the best approximation so far; a keeps the previous b.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const actualTolerance = 2 * Number.EPSILON * Math.abs(b) + search.toleranceX / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= actualTolerance || fb === 0) return b;
    if (Math.abs(previousStep) >= actualTolerance && Math.abs(fa) > Math.abs(fb)) {
      step = chooseInterpolationStep({ a, b, c, fa, fb, fc, step, previousStep, actualTolerance });
    }
    if (Math.abs(step) < actualTolerance) step = step > 0 ? actualTolerance : -actualTolerance;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}

interface Bracket {
  a: number;
  b: number;
  c: number;
  fa: number;
  fb: number;
  fc: number;
  step: number;
  previousStep: number;
  actualTolerance: number;
}

/** Secant (two distinct points) or inverse quadratic step, kept only if it lands well inside [b, c]. */
function chooseInterpolationStep(k: Bracket): number {
  const cb = k.c - k.b;
  let p: number;
  let q: number;
  if (k.a === k.c) {
    const t1 = k.fb / k.fa;
    p = cb * t1;
    q = 1 - t1;
  } else {
    const r = k.fa / k.fc;
    const t1 = k.fb / k.fc;
    const t2 = k.fb / k.fa;
    p = t2 * (cb * r * (r - t1) - (k.b - k.a) * (t1 - 1));
    q = (r - 1) * (t1 - 1) * (t2 - 1);
  }
  if (p > 0) q = -q;
  else p = -p;
  const inside = p < 0.75 * cb * q - Math.abs(k.actualTolerance * q) / 2;
  const smallEnough = p < Math.abs((k.previousStep * q) / 2);
  return inside && smallEnough ? p / q : k.step;
}
