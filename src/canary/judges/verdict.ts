/** What a judge concluded about one rule over one window. A closed set. */
export const Verdict = {
  /** Too few samples to judge (below minSamples, or a track missing). */
  noData: 'NO_DATA',
  /** The judge could not compute an answer (bad input, degenerate statistics). */
  error: 'ERROR',
  /** A change was detected but it is below the effect-size gate: neither pass nor fail. */
  inconclusive: 'INCONCLUSIVE',
  fail: 'FAIL',
  pass: 'PASS',
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface JudgeResult {
  verdict: Verdict;
  /** One sentence for humans: what was compared and why this verdict. */
  reason: string;
  /** The number the verdict rests on (canary value, or the estimated shift), when there is one. */
  observed?: number;
  /** The limit it was held against, when there is one. */
  limit?: number;
}
