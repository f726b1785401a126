import { describe, expect, it } from 'vitest';
import {
  effectivePairsSeries,
  f16BitsToFloat,
  headVideoMass,
  headVideoMassSeries,
  mergedGrid,
  pairProfile,
  rowValue,
  runVasAttn,
  SECTION_CODE,
  spanMean,
  SpanAccumulator,
  spanSpatialMap,
  spanVideoRow,
  spatialMap,
  temporalSpread,
  tokenSpread,
  topPair,
  vasAttn,
} from './attention';

// A 3-pair video of 4×6 patches → merged 2×3 cells per pair, 18 video tokens.
const grid = mergedGrid({ t: 3, h: 4, w: 6 });

/** Video rows whose value encodes the raster position: 100·pair + 10·row + col, plus 1000·token. */
function codedRows(tokens: number): Float32Array {
  const rows = new Float32Array(tokens * grid.videoLen);
  for (let t = 0; t < tokens; t++)
    for (let i = 0; i < grid.videoLen; i++) {
      const g = Math.floor(i / grid.perPair);
      const r = Math.floor((i % grid.perPair) / grid.cols);
      const c = i % grid.cols;
      rows[t * grid.videoLen + i] = 1000 * t + 100 * g + 10 * r + c;
    }
  return rows;
}

describe('mergedGrid', () => {
  it('halves h and w and keeps t as the pair count', () => {
    expect(grid).toEqual({ pairs: 3, rows: 2, cols: 3, perPair: 6, videoLen: 18 });
  });
  it('refuses grids that do not merge 2×2 or are not positive integers', () => {
    expect(() => mergedGrid({ t: 2, h: 5, w: 4 })).toThrow(/does not merge 2×2/);
    expect(() => mergedGrid({ t: 0, h: 4, w: 4 })).toThrow(/t = 0/);
  });
});

describe('f16 rows', () => {
  it('decodes IEEE half bits: normals, subnormals, infinities, NaN', () => {
    expect([0x3c00, 0x3800, 0x3555, 0x0001, 0x8000, 0x7c00, 0xfc00].map(f16BitsToFloat)).toEqual([
      1,
      0.5,
      0.333251953125,
      2 ** -24,
      -0,
      Infinity,
      -Infinity,
    ]);
    expect(f16BitsToFloat(0x7e00)).toBeNaN();
    expect(rowValue(new Uint16Array([0x3400]), 0)).toBe(0.25);
    expect(rowValue(new Float32Array([0.3]), 0)).toBeCloseTo(0.3, 7);
  });
});

describe('spatialMap (raster order: pair, merged row, merged col)', () => {
  it("takes the pair's contiguous block row-major, for the right token", () => {
    const rows = codedRows(3);
    // Pair 1 of token 2: 2100, 2101, 2102 / 2110, 2111, 2112. A column-major or pair-interleaved reading fails here.
    expect(Array.from(spatialMap(rows, grid, 2, 1))).toEqual([2100, 2101, 2102, 2110, 2111, 2112]);
  });
  it('reads f16 rows the same way', () => {
    const bits = new Uint16Array(grid.videoLen);
    bits[grid.perPair * 2 + 1 * grid.cols + 2] = 0x3800; // pair 2, row 1, col 2
    expect(Array.from(spatialMap(bits, grid, 0, 2))).toEqual([0, 0, 0, 0, 0, 0.5]);
  });
  it('rejects a token that is not stored yet and a pair outside the grid', () => {
    expect(() => spatialMap(codedRows(2), grid, 2, 0)).toThrow(/token 2 is outside the 2 tokens/);
    expect(() => spatialMap(codedRows(2), grid, 0, 3)).toThrow(/pair 3 is outside 0..2/);
  });
});

describe('pair profile and span means', () => {
  const pairMass = Float32Array.from([0.1, 0.2, 0.3, 0.5, 0.0, 0.1, 0.3, 0.3, 0.0]);
  it("copies one token's profile into a reused buffer", () => {
    const out = new Float32Array(3);
    expect(pairProfile(pairMass, 3, 1, out)).toBe(out);
    expect(Array.from(out)).toEqual([0.5, 0, 0.1].map(Math.fround));
  });
  it('averages over the token range, not over the whole run and not summed', () => {
    expect(Array.from(spanMean(pairMass, 3, 1, 3)).map((v) => +v.toFixed(6))).toEqual([0.4, 0.15, 0.05]);
    expect(() => spanMean(pairMass, 3, 2, 2)).toThrow(/empty/);
    expect(() => spanMean(pairMass, 3, 2, 4)).toThrow(/outside the 3 tokens/);
  });
  it('span spatial map equals the mean of the per-token maps', () => {
    const rows = codedRows(3);
    expect(Array.from(spanSpatialMap(rows, grid, 0, 3, 2))).toEqual([1200, 1201, 1202, 1210, 1211, 1212]);
    const half = new Uint16Array(2 * grid.videoLen);
    half[0] = 0x3c00; // token 0, pair 0 cell 0 = 1
    half[grid.videoLen] = 0x3800; // token 1 = 0.5
    expect(spanSpatialMap(half, grid, 0, 2, 0)[0]).toBe(0.75);
  });
});

describe('head selection and VAS-attn', () => {
  // 2 tokens × 4 heads
  const headMass = Float32Array.from([0.1, 0.2, 0.3, 0.6, 0.0, 0.0, 0.8, 0.0]);
  it('mean is VAS-attn, max is the largest head, subset averages only the chosen heads', () => {
    expect(vasAttn(headMass, 4, 0)).toBeCloseTo(0.3, 6);
    expect(headVideoMass(headMass, 4, 1, { kind: 'max' })).toBeCloseTo(0.8, 6);
    expect(headVideoMass(headMass, 4, 0, { kind: 'subset', heads: [1, 3] })).toBeCloseTo(0.4, 6);
    expect(Array.from(headVideoMassSeries(headMass, 4, 2, { kind: 'mean' })).map((v) => +v.toFixed(6))).toEqual([
      0.3, 0.2,
    ]);
  });
  it('refuses an empty or out-of-range subset', () => {
    expect(() => headVideoMass(headMass, 4, 0, { kind: 'subset', heads: [] })).toThrow(/subset is empty/);
    expect(() => headVideoMass(headMass, 4, 0, { kind: 'subset', heads: [4] })).toThrow(/head 4 is outside 0..3/);
  });
  it('run VAS-attn averages only the selected section and reports the count', () => {
    const values = [0.9, 0.1, 0.3, 0.5, NaN];
    const labels = Uint8Array.from([
      SECTION_CODE.text,
      SECTION_CODE.think,
      SECTION_CODE.think,
      SECTION_CODE.answer,
      SECTION_CODE.answer,
    ]);
    expect(runVasAttn(values, labels, 5, 'think')).toEqual({ mean: 0.2, count: 2 });
    expect(runVasAttn(values, labels, 5, 'answer')).toEqual({ mean: 0.5, count: 1 });
    expect(runVasAttn(values, labels, 4, 'all').mean).toBeCloseTo(0.45, 12);
    expect(runVasAttn(values, labels, 1, 'think')).toEqual({ mean: NaN, count: 0 });
  });
});

describe('temporal spread', () => {
  it('one pair → 1 effective pair; flat over G → G; scale does not matter', () => {
    expect(temporalSpread([0, 0.4, 0, 0]).effectivePairs).toBe(1);
    expect(temporalSpread([0.1, 0.1, 0.1, 0.1]).effectivePairs).toBeCloseTo(4, 12);
    expect(temporalSpread([0.02, 0.02]).entropy).toBeCloseTo(Math.log(2), 12);
  });
  it('matches exp(−Σ p ln p) on an uneven profile (natural log, normalised first)', () => {
    const p = [0.5, 0.25, 0.25];
    const h = -p.reduce((s, x) => s + x * Math.log(x), 0);
    const s = temporalSpread([0.2, 0.1, 0.1]);
    expect(s.entropy).toBeCloseTo(h, 12);
    expect(s.effectivePairs).toBeCloseTo(Math.exp(h), 12);
  });
  it('no mass → NaN, not 1 or 0', () => {
    expect(temporalSpread([0, 0, 0]).effectivePairs).toBeNaN();
  });
  it('reads one token of a run', () => {
    expect(tokenSpread(Float32Array.from([1, 0, 0.5, 0.5]), 2, 1).effectivePairs).toBeCloseTo(2, 6);
  });
});

describe('row accessor (storage in blocks of tokens, as the run store keeps f16 rows)', () => {
  const rows = codedRows(5);
  // Blocks of 2 tokens: the accessor returns a view of one token's row.
  const blocks = [0, 2, 4].map((t0) => rows.slice(t0 * grid.videoLen, Math.min(5, t0 + 2) * grid.videoLen));
  const rowOf = (t: number) => {
    if (t >= 5) throw new RangeError(`token ${t} is out of range`);
    return blocks[t >> 1]!.subarray((t % 2) * grid.videoLen, ((t % 2) + 1) * grid.videoLen);
  };
  it('gives the same maps and span means as contiguous rows', () => {
    expect(Array.from(spatialMap(rowOf, grid, 3, 2))).toEqual(Array.from(spatialMap(rows, grid, 3, 2)));
    expect(Array.from(spanSpatialMap(rowOf, grid, 1, 5, 1))).toEqual(Array.from(spanSpatialMap(rows, grid, 1, 5, 1)));
    expect(Array.from(spanVideoRow(rowOf, grid.videoLen, 0, 5))).toEqual(
      Array.from(spanMean(rows, grid.videoLen, 0, 5)),
    );
    expect(() => spatialMap(rowOf, grid, 5, 0)).toThrow(/out of range/);
    expect(() => spatialMap(() => new Float32Array(3), grid, 0, 0)).toThrow(/has 3 values, the grid needs 18/);
  });
});

describe('per-token derived series', () => {
  const pm = Float32Array.from([0.1, 0.3, 0.3, 0, 0, 0, 0.2, 0.2, 0.2]);
  it('top pair takes the earliest of equal maxima and −1 without mass', () => {
    expect([0, 1, 2].map((t) => topPair(pm, 3, t))).toEqual([1, -1, 0]);
  });
  it('effective pairs per token, NaN for a token without video mass', () => {
    const e = effectivePairsSeries(pm, 3, 3);
    expect(e[1]).toBeNaN();
    expect(e[2]).toBeCloseTo(3, 5);
    expect(e[0]).toBeCloseTo(Math.exp(temporalSpread([0.1, 0.3, 0.3]).entropy), 5);
  });
});

describe('SpanAccumulator', () => {
  it('grows a span incrementally and equals the direct mean at every step', () => {
    const rows = codedRows(6);
    const acc = new SpanAccumulator(grid.videoLen);
    for (let to = 2; to <= 6; to++) {
      acc.update(rows, 1, to);
      expect(Array.from(acc.mean()), `span [1, ${to})`).toEqual(Array.from(spanMean(rows, grid.videoLen, 1, to)));
    }
  });
  it('restarts when the start moves or the span shrinks, and reads per-pair masses too', () => {
    const pm = Float32Array.from([1, 0, 3, 0, 5, 2]); // 3 tokens × 2 pairs
    const acc = new SpanAccumulator(2);
    acc.update(pm, 0, 3);
    expect(Array.from(acc.mean())).toEqual([3, 2 / 3].map(Math.fround));
    acc.update(pm, 1, 3);
    expect(Array.from(acc.mean())).toEqual([4, 1]);
    acc.update(pm, 1, 2);
    expect(Array.from(acc.mean())).toEqual([3, 0]);
    expect(acc.span).toEqual([1, 2]);
    acc.update(pm, 2, 2);
    expect(Array.from(acc.mean())).toEqual([0, 0]);
  });
  it('spreads a long span over several calls with maxTokens and reports completion', () => {
    const rows = codedRows(5);
    const acc = new SpanAccumulator(grid.videoLen);
    // Two tokens a call: complete after the third call (tokens 0–1, 2–3, 4).
    const calls = [0, 1, 2].map(() => {
      const complete = acc.update(rows, 0, 5, 2);
      return { complete, span: acc.span };
    });
    expect(calls).toEqual([
      { complete: false, span: [0, 2] },
      { complete: false, span: [0, 4] },
      { complete: true, span: [0, 5] },
    ]);
    expect(Array.from(acc.mean())).toEqual(Array.from(spanMean(rows, grid.videoLen, 0, 5)));
    expect(() => acc.update(rows, 0, 5, 0)).toThrow(/maxTokens 0/);
  });
});
