import { describe, expect, it } from 'vitest';
import { mergedGrid } from './attention';
import { topK, topTokensForPair, topTokensForPatch } from './reverse';

describe('topK', () => {
  it('ranks descending, earlier token first on ties, at most k', () => {
    const v = [0.1, 0.5, 0.3, 0.5, 0.9, 0.0];
    expect(topK((t) => v[t]!, v.length, 3)).toEqual([
      { token: 4, value: 0.9 },
      { token: 1, value: 0.5 },
      { token: 3, value: 0.5 },
    ]);
  });
  it('matches a full sort on random data', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const v = Array.from({ length: 500 }, () => Math.round(rand() * 50) / 50);
    const ref = v
      .map((value, token) => ({ token, value }))
      .sort((a, b) => b.value - a.value || a.token - b.token)
      .slice(0, 10);
    expect(topK((t) => v[t]!, v.length, 10)).toEqual(ref);
  });
  it('k larger than the tokens returns them all, ranked; no tokens → empty', () => {
    expect(topK((t) => [0.2, 0.4][t]!, 2, 10).map((r) => r.token)).toEqual([1, 0]);
    expect(topK(() => 1, 0, 3)).toEqual([]);
  });
  it('honours the include mask and the per-token scale, drops NaN', () => {
    const v = [0.4, 0.3, 0.2];
    expect(topK((t) => v[t]!, 3, 2, { include: [0, 1, 1] }).map((r) => r.token)).toEqual([1, 2]);
    expect(topK((t) => v[t]!, 3, 3, { scale: [1, 2, NaN] })).toEqual([
      { token: 1, value: 0.6 },
      { token: 0, value: 0.4 },
    ]);
    expect(() => topK(() => 0, 3, 0)).toThrow(/k = 0/);
  });
});

describe('reverse view', () => {
  it('finds the tokens that looked most at a pair', () => {
    // 4 tokens × 3 pairs: token 2 looks at pair 1 most
    const pm = Float32Array.from([0.1, 0.2, 0.0, 0.3, 0.1, 0.0, 0.0, 0.7, 0.1, 0.2, 0.3, 0.4]);
    expect(topTokensForPair(pm, 3, 4, 1, 2).map((r) => r.token)).toEqual([2, 3]);
    expect(() => topTokensForPair(pm, 3, 5, 1, 2)).toThrow(/5 tokens requested/);
  });
  it('finds the tokens that looked most at one patch (pair, row, col) in raster order', () => {
    const grid = mergedGrid({ t: 2, h: 4, w: 4 }); // 2 pairs × 2×2
    const rows = new Uint16Array(3 * grid.videoLen);
    const cell = 1 * grid.perPair + 1 * grid.cols + 0; // pair 1, row 1, col 0
    rows[0 * grid.videoLen + cell] = 0x3400; // 0.25
    rows[2 * grid.videoLen + cell] = 0x3800; // 0.5
    rows[1 * grid.videoLen + 0 * grid.perPair + 1 * grid.cols + 0] = 0x3c00; // same row/col, wrong pair
    expect(topTokensForPatch(rows, grid, 3, 1, 1, 0, 2)).toEqual([
      { token: 2, value: 0.5 },
      { token: 0, value: 0.25 },
    ]);
    expect(() => topTokensForPatch(rows, grid, 3, 2, 0, 0, 1)).toThrow(/outside the 2×2×2 merged grid/);
    // The same through a per-token accessor.
    const rowOf = (t: number) => rows.subarray(t * grid.videoLen, (t + 1) * grid.videoLen);
    expect(topTokensForPatch(rowOf, grid, 3, 1, 1, 0, 1)).toEqual([{ token: 2, value: 0.5 }]);
  });
});
