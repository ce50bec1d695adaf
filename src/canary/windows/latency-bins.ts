import { DDSketch } from '@datadog/sketches-js';

type KeyMapping = DDSketch['mapping'];

const mappings = new Map<number, KeyMapping>();

/** One DDSketch key mapping per relative accuracy, shared by every bucket that uses it. */
export function sharedKeyMapping(relativeAccuracy: number): KeyMapping {
  let mapping = mappings.get(relativeAccuracy);
  if (mapping === undefined) {
    mapping = new DDSketch({ relativeAccuracy }).mapping;
    mappings.set(relativeAccuracy, mapping);
  }
  return mapping;
}

/** 2^32: a sparse bin is stored as key × BIN_KEY_SCALE + count, one double (exact below 2^53). */
const BIN_KEY_SCALE = 4_294_967_296;
/** Most events one key of one bucket counts; the dense form holds counts in 32 bits. */
const MAX_BIN_COUNT = BIN_KEY_SCALE - 1;
/** Where the sparse bins start in `data`, after the sum, min and max. */
const FIRST_BIN = 3;
/**
 * Distinct keys beyond which a bucket switches to the dense form. A binary search over a busy bucket's
 * few hundred keys costs more per event than everything else in an ingest; at this size the dense
 * counts (4 bytes a key of the range) take about the room the sparse bins (8 bytes a key) already do.
 */
const DENSE_FROM_KEYS = 48;
/** Spare keys on each side when the dense range grows, so a slowly widening range does not copy per event. */
const DENSE_SLACK_KEYS = 16;

/**
 * The latency sketch of one bucket, stored compactly: the same bins as a DDSketch with the same
 * mapping (same keys, same counts) instead of a dense store of at least 128 boxed slots, boxed
 * summary numbers and a mapping object per sketch. A quiet bucket is sparse and unboxed: one plain
 * array of doubles `[sum, min, max, bin, bin, ...]`, each bin `key × 2^32 + count` (keys are within
 * ±40,000 for any finite double, so a bin is exact and bins sort by key), exactly as long as its
 * distinct keys need. A busy one (more than DENSE_FROM_KEYS keys) moves its counts to a Uint32Array
 * over its key range, so an event costs an index, not a search. A 1 s bucket of a quiet track holds a
 * handful of keys: this is what makes 10,000 rollouts × 5-minute windows fit in memory (measured by
 * bench/canary-aggregation.mjs). mergeLatencyBins() leaves a DDSketch exactly as DDSketch.merge() of
 * the equivalent sketches would (same key counts, count, zeroCount, sum, min and max), so every
 * quantile a judge reads is unchanged.
 * Limits: values ≥ 0 only (checkEvent rejects negative latencies); one key of one bucket holds at most
 * 2^32 − 1 events (over an hour of 1 M events/s into one bin of one second), beyond which it stops counting.
 */
export class LatencyBins {
  count = 0;
  zeroCount = 0;
  private data: number[] = [0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  /** Counts of keys denseMinKey, denseMinKey + 1, ...; undefined while sparse. */
  private dense: Uint32Array | undefined;
  private denseMinKey = 0;
  private readonly mapping: KeyMapping;

  constructor(mapping: KeyMapping) {
    this.mapping = mapping;
  }

  get sum(): number {
    return this.data[0]!;
  }

  get min(): number {
    return this.data[1]!;
  }

  get max(): number {
    return this.data[2]!;
  }

  /** DDSketch.accept(value) for value ≥ 0, weight 1. */
  accept(value: number): void {
    if (value > this.mapping.minPossible) {
      const key = this.mapping.key(value);
      const { dense } = this;
      if (dense === undefined) this.addSparseKey(key);
      else {
        const index = key - this.denseMinKey;
        if (index >= 0 && index < dense.length) {
          if (dense[index]! < MAX_BIN_COUNT) dense[index] = dense[index]! + 1;
        } else this.addDenseKeyOutside(key);
      }
    } else this.zeroCount += 1;
    this.count += 1;
    const { data } = this;
    data[0] = data[0]! + value;
    if (value < data[1]!) data[1] = value;
    if (value > data[2]!) data[2] = value;
  }

  /** Calls visit(key, count) for every key with a count, ascending; stops early when visit returns true. */
  private visitBins(visit: (key: number, count: number) => boolean | undefined): void {
    const { dense, data } = this;
    if (dense === undefined) {
      for (let i = FIRST_BIN; i < data.length; i += 1) {
        const key = binKey(data[i]!);
        if (visit(key, data[i]! - key * BIN_KEY_SCALE)) return;
      }
      return;
    }
    for (let i = 0; i < dense.length; i += 1) if (dense[i] !== 0 && visit(this.denseMinKey + i, dense[i]!)) return;
  }

  /** Distinct keys held. */
  countKeys(): number {
    let keys = 0;
    this.visitBins(() => {
      keys += 1;
      return false;
    });
    return keys;
  }

  /** Smallest and largest key held; undefined when every value was zero. */
  readKeyRange(): { minKey: number; maxKey: number } | undefined {
    let minKey: number | undefined;
    let maxKey = 0;
    this.visitBins((key) => {
      minKey ??= key;
      maxKey = key;
      return false;
    });
    return minKey === undefined ? undefined : { minKey, maxKey };
  }

  /** Adds this bucket's count of each key k to counts[k - minKey]. */
  addCountsTo(counts: Float64Array, minKey: number): void {
    this.visitBins((key, count) => {
      counts[key - minKey] = counts[key - minKey]! + count;
      return false;
    });
  }

  /** DDSketch.getValueAtQuantile, step for step (no negative values); undefined when empty or q ∉ [0, 1]. */
  readQuantile(quantile: number): number | undefined {
    if (this.count === 0 || !(quantile >= 0 && quantile <= 1)) return undefined;
    const rank = quantile * (this.count - 1);
    if (rank < this.zeroCount) return 0;
    const storeRank = rank - this.zeroCount;
    let running = 0;
    let found: number | undefined;
    let last = 0;
    this.visitBins((key, count) => {
      running += count;
      last = key;
      if (running > storeRank) found = key;
      return found !== undefined;
    });
    // DenseStore.keyAtRank falls back to its largest key.
    return this.mapping.value(found ?? last);
  }

  private addSparseKey(key: number): void {
    const { data } = this;
    // The key's bins are exactly [keyStart, keyStart + 2^32): compare packed values, no division per probe.
    const keyStart = key * BIN_KEY_SCALE;
    const keyEnd = keyStart + BIN_KEY_SCALE;
    let low = FIRST_BIN;
    let high = data.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const bin = data[mid]!;
      if (bin < keyStart) low = mid + 1;
      else if (bin >= keyEnd) high = mid;
      else {
        if (bin < keyEnd - 1) data[mid] = bin + 1;
        return;
      }
    }
    if (data.length - FIRST_BIN >= DENSE_FROM_KEYS) {
      this.switchToDense();
      this.addDenseKeyOutside(key);
      return;
    }
    // A new key: copy into an array of exactly the new length (push and splice leave spare capacity).
    const next = new Array<number>(data.length + 1);
    for (let i = 0; i < low; i += 1) next[i] = data[i]!;
    next[low] = keyStart + 1;
    for (let i = low; i < data.length; i += 1) next[i + 1] = data[i]!;
    this.data = next;
  }

  private switchToDense(): void {
    const { data } = this;
    const minKey = binKey(data[FIRST_BIN]!);
    const dense = new Uint32Array(binKey(data[data.length - 1]!) - minKey + 1);
    for (let i = FIRST_BIN; i < data.length; i += 1) {
      const key = binKey(data[i]!);
      dense[key - minKey] = data[i]! - key * BIN_KEY_SCALE;
    }
    this.dense = dense;
    this.denseMinKey = minKey;
    this.data = [data[0]!, data[1]!, data[2]!];
  }

  /** Counts one event of a key the dense form may not cover yet, widening it (with slack) if needed. */
  private addDenseKeyOutside(key: number): void {
    let dense = this.dense!;
    let index = key - this.denseMinKey;
    if (index < 0 || index >= dense.length) {
      const minKey = Math.min(key - DENSE_SLACK_KEYS, this.denseMinKey);
      const maxKey = Math.max(key + DENSE_SLACK_KEYS, this.denseMinKey + dense.length - 1);
      const wider = new Uint32Array(maxKey - minKey + 1);
      wider.set(dense, this.denseMinKey - minKey);
      dense = wider;
      this.dense = wider;
      this.denseMinKey = minKey;
      index = key - minKey;
    }
    if (dense[index]! < MAX_BIN_COUNT) dense[index] = dense[index]! + 1;
  }
}

function binKey(bin: number): number {
  return Math.floor(bin / BIN_KEY_SCALE);
}

/**
 * `target` after target.merge() of each bucket's equivalent DDSketch, in order — same key counts,
 * count, zeroCount, sum (added in the same order, so the same bits), min and max — but with one
 * store.add per distinct key of the whole window instead of one per key of every bucket: a 5-minute
 * window of busy 1 s buckets merges 300 × a few hundred bins, most of them the same few hundred keys.
 */
export function mergeLatencyBins(all: readonly LatencyBins[], target: DDSketch): void {
  let minKey = Number.POSITIVE_INFINITY;
  let maxKey = Number.NEGATIVE_INFINITY;
  for (const bins of all) {
    const range = bins.readKeyRange();
    if (range === undefined) continue;
    if (range.minKey < minKey) minKey = range.minKey;
    if (range.maxKey > maxKey) maxKey = range.maxKey;
  }
  if (minKey <= maxKey) {
    const counts = new Float64Array(maxKey - minKey + 1);
    for (const bins of all) bins.addCountsTo(counts, minKey);
    target.store.add(minKey, 0);
    target.store.add(maxKey, 0);
    for (let i = 0; i < counts.length; i += 1) if (counts[i] !== 0) target.store.add(minKey + i, counts[i]!);
  }
  for (const bins of all) {
    if (bins.count === 0) continue;
    target.zeroCount += bins.zeroCount;
    target.count += bins.count;
    target.sum += bins.sum;
    if (bins.min < target.min) target.min = bins.min;
    if (bins.max > target.max) target.max = bins.max;
  }
}
