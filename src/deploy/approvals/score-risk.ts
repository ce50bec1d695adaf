import picomatch from 'picomatch';

/** What is known about a change and its service when a gate opens. Unknown inputs score as "unsure". */
export interface RiskInputs {
  /** Lines added + removed. */
  linesChanged: number;
  filesChanged: number;
  /** Changed file paths, relative to the repository root. */
  paths: readonly string[];
  /** Share of the service's recent runs that failed, 0..1; undefined: no history. */
  recentFailureRate?: number;
  /** Whether the same change passed verification in staging; undefined: not known (or this is staging). */
  stagingVerified?: boolean;
}

export interface RiskFactor {
  name: 'change size' | 'sensitive paths' | 'recent failures' | 'staging verification';
  points: number;
  maxPoints: number;
  /** One line a human reads to see why, e.g. `change size: 420 lines in 12 files → +14 of 35`. */
  explanation: string;
}

export interface RiskScore {
  /** 0..100, the sum of the factors' points. */
  score: number;
  factors: RiskFactor[];
}

/** Paths whose changes are risky whatever their size: schema migrations, the pipeline, infrastructure. */
export const defaultSensitivePaths: readonly string[] = ['**/migrations/**', '**/*.sql', '.pipeline.yml', '**/terraform/**', '**/Dockerfile'];

// The caps add up to 100. Additive on purpose: each factor's points can be read and argued with on
// their own, which a multiplicative or learned model would not allow.
const sizeLinesMax = 25;
const sizeFilesMax = 10;
const sensitiveMax = 25;
const failuresMax = 25;
const stagingMax = 15;
/** Lines per point: 1000 lines reach the cap. */
const linesPerPoint = 40;
const filesPerPoint = 3;

/** An explainable additive risk score; more lines, files, sensitive paths or failures never lower it. */
export function scoreRisk(inputs: RiskInputs, sensitivePaths: readonly string[] = defaultSensitivePaths): RiskScore {
  const factors = [
    scoreSize(inputs),
    scoreSensitivePaths(inputs.paths, sensitivePaths),
    scoreFailures(inputs.recentFailureRate),
    scoreStaging(inputs.stagingVerified),
  ];
  return { score: factors.reduce((sum, factor) => sum + factor.points, 0), factors };
}

function scoreSize({ linesChanged, filesChanged }: RiskInputs): RiskFactor {
  const lines = Math.max(0, Math.floor(linesChanged));
  const files = Math.max(0, Math.floor(filesChanged));
  const points = Math.min(sizeLinesMax, Math.floor(lines / linesPerPoint)) + Math.min(sizeFilesMax, Math.floor(files / filesPerPoint));
  const maxPoints = sizeLinesMax + sizeFilesMax;
  return { name: 'change size', points, maxPoints, explanation: `change size: ${lines} lines in ${files} file${files === 1 ? '' : 's'} → +${points} of ${maxPoints}` };
}

function scoreSensitivePaths(paths: readonly string[], patterns: readonly string[]): RiskFactor {
  const isSensitive = picomatch([...patterns], { dot: true });
  const hits = paths.filter((path) => isSensitive(path));
  const points = hits.length > 0 ? sensitiveMax : 0;
  const shown = hits.slice(0, 3).join(', ') + (hits.length > 3 ? ` and ${hits.length - 3} more` : '');
  const explanation =
    hits.length > 0 ? `sensitive paths: ${shown} → +${points} of ${sensitiveMax}` : `sensitive paths: none touched → +0 of ${sensitiveMax}`;
  return { name: 'sensitive paths', points, maxPoints: sensitiveMax, explanation };
}

function scoreFailures(rate: number | undefined): RiskFactor {
  if (rate === undefined || !Number.isFinite(rate)) {
    // No history is a little risky, not as risky as a bad one.
    const points = Math.round(failuresMax / 5);
    return { name: 'recent failures', points, maxPoints: failuresMax, explanation: `recent failures: no history → +${points} of ${failuresMax}` };
  }
  const clamped = Math.min(1, Math.max(0, rate));
  const points = Math.round(clamped * failuresMax);
  const percent = Math.round(clamped * 100);
  return { name: 'recent failures', points, maxPoints: failuresMax, explanation: `recent failures: ${percent}% of recent runs failed → +${points} of ${failuresMax}` };
}

function scoreStaging(verified: boolean | undefined): RiskFactor {
  const points = verified === true ? 0 : verified === false ? stagingMax : Math.round(stagingMax / 2);
  const what = verified === true ? 'passed' : verified === false ? 'failed' : 'not known';
  return { name: 'staging verification', points, maxPoints: stagingMax, explanation: `staging verification: ${what} → +${points} of ${stagingMax}` };
}
