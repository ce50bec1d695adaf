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
  let product: Combination[] = axes.length === 0 ? [] : [{}];
  for (const axis of axes) {
    const values = spec.axes[axis]!;
    product = product.flatMap((partial) => values.map((value) => ({ ...partial, [axis]: value })));
  }
  const kept = product.filter((combination) => !spec.exclude.some((entry) => matches(combination, entry)));
  const added: Combination[] = [];
  for (const entry of spec.include) {
    let merged = false;
    for (let i = 0; i < kept.length; i++) {
      const original = kept[i]!;
      if (axes.every((axis) => !Object.hasOwn(entry, axis) || same(entry[axis]!, original[axis]!))) {
        kept[i] = { ...original, ...withoutAxes(entry, axes) };
        merged = true;
      }
    }
    if (!merged) added.push({ ...entry });
  }
  return dedupe([...kept, ...added], axes);
}

/** `stage[axis=value,...]`: declared axes first, in order, then keys only `include` added. */
export function formatJobId(stage: string, combination: Combination, axes: readonly string[]): string {
  const keys = Object.keys(combination);
  if (keys.length === 0) return stage;
  const ordered = [...axes.filter((axis) => Object.hasOwn(combination, axis)), ...keys.filter((k) => !axes.includes(k))];
  return `${stage}[${ordered.map((key) => `${key}=${String(combination[key])}`).join(',')}]`;
}

function matches(combination: Combination, entry: Combination): boolean {
  return Object.keys(entry).every((key) => Object.hasOwn(combination, key) && same(combination[key]!, entry[key]!));
}

function same(a: MatrixValue, b: MatrixValue): boolean {
  return String(a) === String(b);
}

function withoutAxes(entry: Combination, axes: readonly string[]): Combination {
  return Object.fromEntries(Object.entries(entry).filter(([key]) => !axes.includes(key)));
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
