import { describe, expect, it } from 'vitest';
import { visionLayout } from './vision-layout';

const diffs = (a: Int32Array) => Array.from(a.slice(1), (v, i) => v - a[i]!);

describe('visionLayout', () => {
  it('reproduces the spec worked example: demo 720p grid (16, 24, 42)', () => {
    const L = visionLayout({ t: 16, h: 24, w: 42 }, 2, 4);
    expect(L.merged).toBe(4032);
    // per slice: 3 window rows (the 4th, from pad_h = 4, is empty) × 6 window columns
    const perSlice = [64, 64, 64, 64, 64, 16];
    expect(diffs(L.cuWindowSeqlens)).toEqual(Array.from({ length: 16 * 3 }, () => perSlice).flat());
    expect(L.cuWindowSeqlens[L.cuWindowSeqlens.length - 1]).toBe(16 * 24 * 42);
    expect(diffs(L.cuSeqlens)).toEqual(Array(16).fill(1008));
  });

  it('orders merged tokens window by window and inverts exactly', () => {
    // merged grid 2×6 (h = 4, w = 12 patches): windows of 4×4 → two windows per row: widths 4 and 2.
    const L = visionLayout({ t: 2, h: 4, w: 12 }, 2, 4);
    expect(Array.from(L.windowIndex.slice(0, 12))).toEqual([0, 1, 2, 3, 6, 7, 8, 9, 4, 5, 10, 11]);
    expect(Array.from(L.windowIndex.slice(12, 16))).toEqual([12, 13, 14, 15]);
    expect(diffs(L.cuWindowSeqlens)).toEqual([32, 16, 32, 16]);
    for (let i = 0; i < L.merged; i++) expect(L.windowIndex[L.windowInverse[i]!]).toBe(i);
  });

  it('gives each patch row its (h, w) patch coordinates in window order', () => {
    const L = visionLayout({ t: 1, h: 4, w: 12 }, 2, 4);
    // window position 4 is raster merged token 6 = merged row 1, col 0 → patches (2..3, 0..1)
    const rows = [16, 17, 18, 19].map((r) => [L.rotaryCoords[2 * r], L.rotaryCoords[2 * r + 1]]);
    expect(rows).toEqual([
      [2, 0],
      [2, 1],
      [3, 0],
      [3, 1],
    ]);
  });

  it('adds the empty window row only when the merged height is a multiple of the window', () => {
    // lh = 4 → HF pads a whole empty window row; it is dropped, so windows = 1 row × 1 col.
    expect(diffs(visionLayout({ t: 1, h: 8, w: 8 }, 2, 4).cuWindowSeqlens)).toEqual([64]);
    // lh = 5 → 2 window rows (4 + 1).
    expect(diffs(visionLayout({ t: 1, h: 10, w: 8 }, 2, 4).cuWindowSeqlens)).toEqual([64, 16]);
  });
});
