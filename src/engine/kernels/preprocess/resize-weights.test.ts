import { describe, expect, it } from 'vitest';
import { loadPreprocessFixture } from '../../../test-utils/cpu/preprocess-fixture';
import { keysCubicF32, resizeTaps } from './resize-weights';

describe('resizeTaps', () => {
  const fx = loadPreprocessFixture();

  it.each(fx.manifest.weight_pairs)('matches the weights ATen uses for %i → %i bit for bit', (nIn, nOut) => {
    const taps = resizeTaps(nIn, nOut);
    const first = fx.i32(`weights.${nIn}_${nOut}.first`);
    const last = fx.i32(`weights.${nIn}_${nOut}.last`);
    const values = fx.f32(`weights.${nIn}_${nOut}.values`);
    let v = 0;
    for (let i = 0; i < nOut; i++) {
      const start = taps.start[i]!;
      const count = taps.count[i]!;
      // Every weight ATen applies lies inside our window, and inside the window the values agree exactly
      // (including exact zeros such as K(±1) when a tap lands on a sample).
      expect(first[i]).toBeGreaterThanOrEqual(start);
      expect(last[i]).toBeLessThan(start + count);
      for (let k = start; k < start + count; k++) {
        const ours = taps.weights[i * taps.stride + (k - start)]!;
        const theirs = k >= first[i]! && k <= last[i]! ? values[v + k - first[i]!]! : 0;
        if (ours !== theirs) throw new Error(`${nIn}→${nOut}: output ${i}, input ${k}: ours ${ours}, ATen ${theirs}`);
      }
      v += last[i]! - first[i]! + 1;
    }
    expect(v).toBe(values.length);
  });

  it('has the support PyTorch uses: 2·max(scale, 1) each side, stride ceil(support)·2 + 1', () => {
    expect(resizeTaps(7680, 588).stride).toBe(Math.ceil(2 * Math.fround(7680 / 588)) * 2 + 1);
    expect(resizeTaps(16, 56).stride).toBe(5);
    const up = resizeTaps(16, 56);
    expect(Math.max(...up.count)).toBeLessThanOrEqual(4);
  });

  it('is the identity when sizes are equal (so an unchanged axis needs no special path)', () => {
    const t = resizeTaps(37, 37);
    for (let i = 0; i < 37; i++) {
      for (let j = 0; j < t.count[i]!; j++) expect(t.weights[i * t.stride + j]).toBe(t.start[i]! + j === i ? 1 : 0);
    }
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => resizeTaps(0, 5)).toThrow(/input size 0/);
    expect(() => resizeTaps(5, 2.5)).toThrow(/output size 2.5/);
  });

  it('evaluates the Keys cubic (a = −0.5) at its knots', () => {
    expect(keysCubicF32(0)).toBe(1);
    expect(keysCubicF32(1)).toBe(0);
    expect(keysCubicF32(-1)).toBe(0);
    expect(keysCubicF32(2)).toBe(0);
    expect(keysCubicF32(0.5)).toBe(0.5625);
    expect(keysCubicF32(1.5)).toBe(-0.0625);
  });
});
