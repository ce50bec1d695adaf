/**
 * Matrix checks on the raw data: something to expand, `exclude` keys that are axes, a bounded and
 * non-empty expansion, and `${{ matrix.x }}` references that name a matrix key of their stage.
 */
import { toMatrixSpec } from './build-pipeline.js';
import { expandMatrix } from './expand-matrix.js';
import { type Finding, isRecord, type PathSegment } from './finding.js';
import { listMatrixReferences } from './interpolate-matrix.js';
import { MAX_MATRIX_JOBS, matrixSchema } from './pipeline-schema.js';
import { suggestClosest } from './suggest-closest.js';

/**
 * Excludes can bring a bigger product under MAX_MATRIX_JOBS, so the exact count needs expanding;
 * past this size the matrix is refused unexpanded (20 axes of 2 values must not be materialised).
 */
const MAX_PRODUCT_SIZE = MAX_MATRIX_JOBS * 16;

export function checkMatrices(stages: unknown): Finding[] {
  if (!Array.isArray(stages)) return [];
  return stages.flatMap((stage, i) => {
    if (!isRecord(stage)) return [];
    const path = ['stages', i];
    const findings = isRecord(stage.matrix) ? checkMatrix(stage.matrix, [...path, 'matrix'], stage.name) : [];
    return [...findings, ...checkReferences(stage, path)];
  });
}

function checkMatrix(matrix: Record<string, unknown>, path: PathSegment[], stageName: unknown): Finding[] {
  const findings: Finding[] = [];
  const axes = Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude');
  const include = Array.isArray(matrix.include) ? matrix.include : [];
  const exclude = Array.isArray(matrix.exclude) ? matrix.exclude : [];
  if (axes.length === 0 && include.length === 0) {
    const message = 'matrix has no axes — add one like `os: [linux, macos]`, or an `include:` list';
    return [{ path, at: 'value', message }];
  }
  include.forEach((entry, j) => {
    if (isRecord(entry) && Object.keys(entry).length === 0) {
      findings.push({ path: [...path, 'include', j], at: 'value', message: 'include entry is empty — add key: value pairs' });
    }
  });
  exclude.forEach((entry, j) => {
    if (!isRecord(entry)) return;
    const entryPath = [...path, 'exclude', j];
    if (Object.keys(entry).length === 0) {
      const message = 'exclude entry is empty — list the axis values to drop, e.g. {os: macos}';
      findings.push({ path: entryPath, at: 'value', message });
    }
    for (const key of Object.keys(entry)) {
      if (axes.includes(key)) continue;
      const message = `exclude key '${key}' is not a matrix axis — ${suggestKey(key, axes, 'axes')}`;
      findings.push({ path: [...entryPath, key], at: 'key', message });
    }
  });
  if (findings.length > 0) return findings;

  const productSize = axes.reduce((n, axis) => n * (Array.isArray(matrix[axis]) ? matrix[axis].length : 1), 1);
  const name = typeof stageName === 'string' ? `stage '${stageName}'` : 'this stage';
  if (productSize > MAX_PRODUCT_SIZE) return [describeTooMany(path, `more than ${MAX_PRODUCT_SIZE}`)];
  const parsed = matrixSchema.safeParse(matrix);
  if (!parsed.success) return [];
  const jobs = expandMatrix(toMatrixSpec(parsed.data)).length;
  if (jobs > MAX_MATRIX_JOBS) return [describeTooMany(path, String(jobs))];
  if (jobs === 0) {
    const message = `matrix excludes every combination, so ${name} would run no jobs — remove an exclude entry`;
    return [{ path, at: 'value', message }];
  }
  return [];
}

function describeTooMany(path: PathSegment[], jobs: string): Finding {
  const message = `matrix expands to ${jobs} jobs; the limit is ${MAX_MATRIX_JOBS} per stage — split the stage or exclude combinations`;
  return { path, at: 'value', message };
}

function checkReferences(stage: Record<string, unknown>, path: PathSegment[]): Finding[] {
  if (stage.matrix !== undefined && !isRecord(stage.matrix)) return [];
  const matrix = isRecord(stage.matrix) ? stage.matrix : undefined;
  const keys = matrix === undefined ? [] : listMatrixKeys(matrix);
  const findings: Finding[] = [];
  for (const [text, textPath] of listInterpolatedTexts(stage, path)) {
    for (const key of listMatrixReferences(text)) {
      if (keys.includes(key)) continue;
      const reference = `\${{ matrix.${key} }}`;
      const message =
        matrix === undefined
          ? `'${reference}' refers to a matrix, but this stage has no \`matrix:\` — add one or remove the reference`
          : `unknown matrix key '${key}' in '${reference}' — ${suggestKey(key, keys, 'matrix keys')}`;
      findings.push({ path: textPath, at: 'value', message });
    }
  }
  return findings;
}

/** Axes plus keys that `include` entries add. */
function listMatrixKeys(matrix: Record<string, unknown>): string[] {
  const keys = new Set(Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude'));
  if (Array.isArray(matrix.include)) {
    for (const entry of matrix.include) if (isRecord(entry)) for (const key of Object.keys(entry)) keys.add(key);
  }
  return [...keys];
}

/** The texts interpolated at plan time: job env, and each step's name, run, env and with. */
function listInterpolatedTexts(stage: Record<string, unknown>, path: PathSegment[]): [string, PathSegment[]][] {
  const texts: [string, PathSegment[]][] = [];
  const addValues = (record: unknown, recordPath: PathSegment[]) => {
    if (!isRecord(record)) return;
    for (const [key, value] of Object.entries(record)) if (typeof value === 'string') texts.push([value, [...recordPath, key]]);
  };
  addValues(stage.env, [...path, 'env']);
  if (!Array.isArray(stage.steps)) return texts;
  stage.steps.forEach((step, j) => {
    if (!isRecord(step)) return;
    const stepPath = [...path, 'steps', j];
    for (const key of ['name', 'run'] as const) {
      if (typeof step[key] === 'string') texts.push([step[key], [...stepPath, key]]);
    }
    addValues(step.env, [...stepPath, 'env']);
    addValues(step.with, [...stepPath, 'with']);
  });
  return texts;
}

function suggestKey(key: string, known: string[], knownLabel: string): string {
  const suggestion = suggestClosest(key, known);
  if (suggestion !== undefined) return `did you mean '${suggestion}'?`;
  return known.length === 0 ? `this matrix has no ${knownLabel}` : `${knownLabel} are: ${known.join(', ')}`;
}
