// Box-plot statistics in the style of the paper's Figure 1 (per reasoning section, per run).
// Method, stated in the UI and exports:
// - quartiles by linear interpolation between order statistics (Hyndman & Fan type 7, the default of numpy's
//   percentile and of matplotlib's boxplot): for sorted x_0..x_{n-1}, Q(p) = x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋), h = (n − 1)p;
// - whiskers at the most extreme data points within [Q1 − 1.5·IQR, Q3 + 1.5·IQR] (so they never leave the data);
// - outliers: every point beyond the whiskers; mean: arithmetic mean of all points. NaN values are ignored.
//
// Public functions:
//   QUANTILE_METHOD                                           the method's name, for legends and exports
//   quantileSorted(sorted, p): number                         type-7 quantile of ascending data
//   boxStats(values, n = values.length): BoxStats | null       statistics of values[0..n) (null when no finite value)
//   boxStatsWhere(values, labels, code, tokens): BoxStats | null   of the tokens whose label equals code
//   class SectionBoxCache                                     per-section statistics, recomputed only while a section grows
export const QUANTILE_METHOD = 'linear interpolation (type 7); whiskers at the furthest points within 1.5 IQR';

export interface BoxStats {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  whiskerLow: number;
  whiskerHigh: number;
  /** Points below whiskerLow or above whiskerHigh, ascending. */
  outliers: number[];
}

export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function statsOfSorted(x: Float64Array): BoxStats | null {
  const n = x.length;
  if (n === 0) return null;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const q1 = quantileSorted(x, 0.25);
  const q3 = quantileSorted(x, 0.75);
  const iqr = q3 - q1;
  const loFence = q1 - 1.5 * iqr;
  const hiFence = q3 + 1.5 * iqr;
  let lo = 0;
  while (x[lo]! < loFence) lo++;
  let hi = n - 1;
  while (x[hi]! > hiFence) hi--;
  const outliers: number[] = [];
  for (let i = 0; i < lo; i++) outliers.push(x[i]!);
  for (let i = hi + 1; i < n; i++) outliers.push(x[i]!);
  return {
    n,
    min: x[0]!,
    q1,
    median: quantileSorted(x, 0.5),
    q3,
    max: x[n - 1]!,
    mean: sum / n,
    whiskerLow: x[lo]!,
    whiskerHigh: x[hi]!,
    outliers,
  };
}

export function boxStats(values: ArrayLike<number>, n = values.length): BoxStats | null {
  const x = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i])) x[m++] = values[i]!;
  return statsOfSorted(x.subarray(0, m).sort());
}

export function boxStatsWhere(
  values: ArrayLike<number>,
  labels: ArrayLike<number>,
  code: number,
  tokens: number,
): BoxStats | null {
  const x = new Float64Array(tokens);
  let m = 0;
  for (let t = 0; t < tokens; t++) if (labels[t] === code && Number.isFinite(values[t])) x[m++] = values[t]!;
  return statsOfSorted(x.subarray(0, m).sort());
}

/**
 * Per-section statistics while a run streams: a section's statistics are recomputed when its token count changes
 * and served from the cache otherwise, so a frozen (closed) section costs one count per call. Call `invalidate()`
 * when the values themselves change (another head selection, the sink-corrected toggle).
 */
export class SectionBoxCache {
  private cache = new Map<number, { count: number; stats: BoxStats | null }>();

  get(values: ArrayLike<number>, labels: ArrayLike<number>, code: number, tokens: number): BoxStats | null {
    let count = 0;
    for (let t = 0; t < tokens; t++) if (labels[t] === code) count++;
    const hit = this.cache.get(code);
    if (hit && hit.count === count) return hit.stats;
    const stats = boxStatsWhere(values, labels, code, tokens);
    this.cache.set(code, { count, stats });
    return stats;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
