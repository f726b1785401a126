import { describe, expect, it } from 'vitest';
import { erfRef, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits, geluRef, roundHalfEven } from './linalg';

describe('plain-TS numeric references', () => {
  it('round half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -7.5, 7.5].map(roundHalfEven)).toEqual([
      0, 2, 2, 0, -2, -2, 2, -8, 8,
    ]);
  });

  it('f32 → f16 round-trips every finite f16 and rounds midpoints to even', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(f32ToF16Bits(f16BitsToF32(h))).toBe(h);
      const next = h & 0x8000 ? h - 1 : h + 1; // neighbour away from zero… within the same sign
      if ((h & 0x7fff) === 0x7bff || (h & 0x7fff) === 0) continue;
      const a = f16BitsToF32(h);
      const b = f16BitsToF32(next);
      const even = (h & 1) === 0 ? h : next;
      expect(f32ToF16Bits((a + b) / 2)).toBe(even);
    }
    expect(f32ToF16Bits(65519.99)).toBe(0x7bff);
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(-(2 ** -25))).toBe(0x8000);
    expect(f32ToF16Bits(2 ** -25 * 1.0000001)).toBe(1);
  });

  it('f32 → bf16 rounds to nearest even', () => {
    expect(f32ToBf16Bits(1)).toBe(0x3f80);
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie → even (up)
  });

  it('erf and gelu agree with tabulated values', () => {
    expect(erfRef(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erfRef(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erfRef(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(erfRef(2.5)).toBeCloseTo(0.999593047982555, 15);
    expect(erfRef(3)).toBeCloseTo(0.9999779095030014, 15);
    // Continuity across the series / continued-fraction switch.
    expect(Math.abs(erfRef(2.4999999) - erfRef(2.5000001))).toBeLessThan(1e-9);
    expect(geluRef(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(geluRef(-3) / -0.004049694094890287).toBeCloseTo(1, 12);
    expect(geluRef(-10) / -7.619853024160593e-23).toBeCloseTo(1, 10);
  });
});
