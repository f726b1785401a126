import { describe, expect, it } from 'vitest';
import { HeadBins } from './head-bins';

/** The plain definition: bin size = the smallest power of two fitting maxColumns, max per bin and per head. */
function reference(m: Float32Array, H: number, n: number, maxColumns: number) {
  let binSize = 1;
  while (Math.ceil(n / binSize) > maxColumns) binSize *= 2;
  const columns = Math.ceil(n / binSize);
  const bins = new Float32Array(columns * H);
  const rowMax = new Float32Array(H);
  for (let t = 0; t < n; t++)
    for (let h = 0; h < H; h++) {
      const o = Math.floor(t / binSize) * H + h;
      bins[o] = Math.max(bins[o]!, m[t * H + h]!);
      rowMax[h] = Math.max(rowMax[h]!, m[t * H + h]!);
    }
  return { binSize, columns, bins, rowMax };
}

describe('HeadBins', () => {
  const H = 3;
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const m = Float32Array.from({ length: 700 * H }, rand);

  it('fed a few tokens at a time, always equals the binned maxima of all tokens so far', () => {
    const bins = new HeadBins(H);
    for (const n of [1, 2, 5, 40, 41, 100, 257, 333, 512, 513, 700]) {
      const want = reference(m, H, n, 100);
      const got = bins.update(m, n, 100);
      expect({ n, binSize: got.binSize, columns: got.columns }, `bins after ${n} tokens`).toEqual({
        n,
        binSize: want.binSize,
        columns: want.columns,
      });
      expect(Array.from(got.bins.subarray(0, want.columns * H)), `bin maxima after ${n} tokens`).toEqual(
        Array.from(want.bins),
      );
      expect(Array.from(got.rowMax), `head maxima after ${n} tokens`).toEqual(Array.from(want.rowMax));
    }
  });

  it('starts over for a shorter run and rejects bad input', () => {
    const bins = new HeadBins(H);
    bins.update(m, 300, 50);
    const want = reference(m, H, 10, 50);
    expect(bins.update(m, 10, 50).binSize, 'bin size after a restart').toBe(1);
    expect(Array.from(bins.bins.subarray(0, 10 * H))).toEqual(Array.from(want.bins));
    expect(() => bins.update(m, 701, 50)).toThrow(/701 tokens requested, 700 stored/);
    expect(() => bins.update(m, 5, 0)).toThrow(/maxColumns 0/);
  });
});
