import type { MatrixSpec, MatrixValue } from './model.js';

export type Combination = Record<string, MatrixValue>;

/**
 * GitHub Actions semantics: the cartesian product of the axes (first axis varies slowest), minus
 * every combination an `exclude` entry matches (all its pairs equal), then each `include` entry is
 * merged into every original combination whose axis values it does not contradict, or appended as
 * a new combination if it fits none. Values compare by their text, so `18` matches `'18'`.
 * Identical combinations are kept once, so job ids stay unique.
 */
export function expandMatrix(spec: MatrixSpec): Combination[] {
  const axes = Object.keys(spec.axes);
  // Rows of axis values (aligned with `axes`) until the end: objects with computed keys built one
  // spread at a time were the slowest part of planning.
  let rows: MatrixValue[][] = axes.length === 0 ? [] : [[]];
  for (const axis of axes) {
    const values = spec.axes[axis]!;
    rows = rows.flatMap((row) => values.map((value) => [...row, value]));
  }
  const axisIndex = new Map(axes.map((axis, i) => [axis, i]));
  const excludes = spec.exclude.map((entry) => Object.entries(entry).map(([key, value]) => [axisIndex.get(key), value] as const));
  const kept = rows
    .filter((row) => !excludes.some((pairs) => pairs.every(([i, value]) => i !== undefined && same(row[i]!, value))))
    .map((row) => ({ row, extras: new Map<string, MatrixValue>() }));
  const added: Combination[] = [];
  for (const entry of spec.include) {
    const pairs = Object.entries(entry);
    let merged = false;
    for (const { row, extras } of kept) {
      if (pairs.some(([key, value]) => axisIndex.has(key) && !same(row[axisIndex.get(key)!]!, value))) continue;
      for (const [key, value] of pairs) if (!axisIndex.has(key)) extras.set(key, value);
      merged = true;
    }
    if (!merged) added.push(Object.fromEntries(pairs));
  }
  const combinations = kept.map(({ row, extras }) =>
    Object.fromEntries([...axes.map((axis, i) => [axis, row[i]!] as const), ...extras]),
  );
  return dedupe([...combinations, ...added], axes);
}

/** `stage[axis=value,...]`: declared axes first, in order, then keys only `include` added. */
export function formatJobId(stage: string, combination: Combination, axes: readonly string[]): string {
  const keys = Object.keys(combination);
  if (keys.length === 0) return stage;
  const ordered = [...axes.filter((axis) => Object.hasOwn(combination, axis)), ...keys.filter((k) => !axes.includes(k))];
  return `${stage}[${ordered.map((key) => `${key}=${String(combination[key])}`).join(',')}]`;
}

function same(a: MatrixValue, b: MatrixValue): boolean {
  return String(a) === String(b);
}

function dedupe(combinations: Combination[], axes: readonly string[]): Combination[] {
  const seen = new Set<string>();
  return combinations.filter((combination) => {
    const id = formatJobId('', combination, axes);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
