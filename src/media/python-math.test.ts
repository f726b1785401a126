import { describe, expect, it } from 'vitest';
import {
  ceilByFactor,
  f32OfExactSum,
  floorByFactor,
  roundByFactor,
  roundHalfEven,
  torchLinspaceF32,
} from './python-math';

describe('roundHalfEven (Python round)', () => {
  it('rounds ties to even and everything else to nearest', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, -2, -2]);
    expect([2.4999999999999996, 2.5000000000000004, 16.5, 17.5, 1e15 + 0.5].map(roundHalfEven)).toEqual([
      2, 3, 16, 18, 1e15,
    ]);
  });
  it('rejects non-finite input', () => {
    expect(() => roundHalfEven(Number.NaN)).toThrow(RangeError);
  });
});

describe('factor helpers (qwen_vl_utils round/ceil/floor_by_factor)', () => {
  it('match hand-derived values', () => {
    expect([33, 35, 5, 7, 1, 3].map((n) => roundByFactor(n, 2))).toEqual([32, 36, 4, 8, 0, 4]);
    expect(roundByFactor(1080, 28)).toBe(1092); // 38.57 → 39
    expect(roundByFactor(42, 28)).toBe(56); // 1.5 → 2 (tie to even)
    expect(roundByFactor(70, 28)).toBe(56); // 2.5 → 2 (tie to even)
    expect(ceilByFactor(4, 2)).toBe(4);
    expect(ceilByFactor(5, 2)).toBe(6);
    expect(floorByFactor(19.95, 2)).toBe(18);
    expect(floorByFactor(316.8, 28)).toBe(308);
  });
});

describe('f32OfExactSum', () => {
  it('rounds once where fround(a + b) would round twice', () => {
    // a + b is exactly 1 + 2^-24 + 2^-60: the double sum drops 2^-60 and lands on the float32 midpoint,
    // fround then ties to even (1), but the exact value is above the midpoint.
    const a = 1;
    const b = 2 ** -24 + 2 ** -60;
    expect(Math.fround(a + b)).toBe(1);
    expect(f32OfExactSum(a, b)).toBe(1 + 2 ** -23);
    expect(f32OfExactSum(1, -(2 ** -25 + 2 ** -70))).toBe(1 - 2 ** -24);
    expect(f32OfExactSum(3, 0.25)).toBe(3.25);
  });
});

describe('torchLinspaceF32', () => {
  it('is exact at both ends and symmetric around the middle', () => {
    const v = torchLinspaceF32(0, 99, 32);
    expect(v[0]).toBe(0);
    expect(v[31]).toBe(99);
    // Second half is computed down from `end`.
    const step = Math.fround(99 / 31);
    expect(v[16]).toBe(Math.fround(99 - step * 15));
    expect(v[15]).toBe(Math.fround(step * 15));
  });
  it('handles steps 0, 1 and 2', () => {
    expect(Array.from(torchLinspaceF32(3, 9, 0))).toEqual([]);
    expect(Array.from(torchLinspaceF32(3, 9, 1))).toEqual([3]);
    expect(Array.from(torchLinspaceF32(3, 9, 2))).toEqual([3, 9]);
  });
  it('matches torch 2.7 float32 values (values printed by torch.linspace(0, 169242, 128)[60:70])', () => {
    const v = Array.from(torchLinspaceF32(0, 169242, 128).slice(60, 70));
    expect(v).toEqual([
      79956.8515625, 81289.4609375, 82622.078125, 83954.6875, 85287.3125, 86619.921875, 87952.5390625, 89285.1484375,
      90617.765625, 91950.3828125,
    ]);
  });
});
