import { describe, expect, it } from 'vitest';
import { boxStats, boxStatsWhere, quantileSorted, SectionBoxCache } from './boxplot';

describe('quantileSorted (type 7, numpy default)', () => {
  it('interpolates between order statistics', () => {
    // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
    expect([0.25, 0.5, 0.75].map((p) => quantileSorted([1, 2, 3, 4], p))).toEqual([1.75, 2.5, 3.25]);
    // numpy.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 25) = 3.25 (type 6 would give 2.75, nearest-rank 3)
    expect(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.25)).toBe(3.25);
    expect(quantileSorted([5], 0.75)).toBe(5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('boxStats', () => {
  it('whiskers stop at the furthest points inside 1.5 IQR, outliers are the rest', () => {
    // For [1..9, 30] numpy gives q1 3.25, q3 7.75, IQR 4.5 → fences −3.5, 14.5.
    const s = boxStats([30, 1, 2, 3, 4, 5, 6, 7, 8, 9])!;
    expect(s).toMatchObject({
      n: 10,
      min: 1,
      max: 30,
      q1: 3.25,
      median: 5.5,
      q3: 7.75,
      whiskerLow: 1,
      whiskerHigh: 9,
      outliers: [30],
    });
    expect(s.mean).toBeCloseTo(7.5, 12);
  });
  it('whiskers are data points, not the fences', () => {
    const s = boxStats([0, 10, 11, 12, 13, 20.5])!; // q1 10.25, q3 12.75, IQR 2.5 → fences 6.5, 16.5
    expect(s.whiskerLow).toBe(10);
    expect(s.whiskerHigh).toBe(13);
    expect(s.outliers).toEqual([0, 20.5]);
  });
  it('skips NaN and returns null when nothing is left', () => {
    expect(boxStats([NaN, 2, NaN])).toMatchObject({ n: 1, median: 2, whiskerLow: 2, whiskerHigh: 2, outliers: [] });
    expect(boxStats([NaN])).toBeNull();
    expect(boxStats([])).toBeNull();
  });
  it('all-equal values: zero IQR, whiskers on the value, no outliers', () => {
    expect(boxStats([0.2, 0.2, 0.2])).toMatchObject({
      q1: 0.2,
      median: 0.2,
      q3: 0.2,
      whiskerLow: 0.2,
      whiskerHigh: 0.2,
      outliers: [],
    });
  });
  it('two points interpolate the quartiles between them', () => {
    expect(boxStats([0, 1])).toMatchObject({
      q1: 0.25,
      median: 0.5,
      q3: 0.75,
      whiskerLow: 0,
      whiskerHigh: 1,
      outliers: [],
    });
  });
  it('infinities are skipped like NaN', () => {
    expect(boxStats([1, Infinity, -Infinity, 3])).toMatchObject({ n: 2, median: 2 });
  });
  it('sorts numerically (0.25 before 0.1e1), not as strings', () => {
    expect(boxStats([10, 9, 100])!.median).toBe(10);
  });
});

describe('per-section statistics and the cache', () => {
  it('selects by label', () => {
    expect(boxStatsWhere([1, 100, 3, 200], [1, 2, 1, 2], 1, 4)!.median).toBe(2);
    expect(boxStatsWhere([1, 100, 3, 200], [1, 2, 1, 2], 2, 3)!.n).toBe(1);
  });
  it('recomputes a growing section and serves a frozen one from the cache', () => {
    const cache = new SectionBoxCache();
    const values = [0.1, 0.2, 0.9, 0.8];
    const labels = [1, 1, 2, 2];
    const think = cache.get(values, labels, 1, 4);
    expect(think!.median).toBeCloseTo(0.15, 12);
    expect(cache.get(values, labels, 1, 4)).toBe(think); // frozen: same object
    const a2 = cache.get(values, labels, 2, 3);
    expect(a2!.n).toBe(1);
    expect(cache.get(values, labels, 2, 4)!.n).toBe(2); // grew → recomputed
    values[0] = 0.5;
    cache.invalidate();
    expect(cache.get(values, labels, 1, 4)!.median).toBeCloseTo(0.35, 12);
  });
});
