import { describe, expect, it } from 'vitest';
import { f16BitsToF32, f32ToF16Bits, narrowF16, widenF16 } from './f16';

describe('f16 on the host', () => {
  it('every finite half survives f16 → number → f16, and the table agrees with the formula', () => {
    const bad: number[] = [];
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const wide = widenF16(all);
    for (let h = 0; h < 65536; h++) {
      const v = f16BitsToF32(h);
      if (Number.isNaN(v)) continue;
      if (f32ToF16Bits(v) !== h || !Object.is(wide[h], Math.fround(v))) bad.push(h);
    }
    expect(bad.slice(0, 5), `${bad.length} half values do not round-trip`).toEqual([]);
  });

  it('rounds to nearest even at the midpoints, and overflows and underflows like IEEE', () => {
    const one = 0x3c00;
    const ulp = 2 ** -10;
    expect(f32ToF16Bits(1 + ulp / 2)).toBe(one); // tie → even (1.0)
    expect(f32ToF16Bits(1 + (3 * ulp) / 2)).toBe(one + 2); // tie → even (1 + 2 ulp)
    expect(f32ToF16Bits(1 + ulp / 2 + 2 ** -20)).toBe(one + 1); // above the tie
    expect(f32ToF16Bits(65520)).toBe(0x7c00);
    expect(f32ToF16Bits(65519)).toBe(0x7bff);
    expect(f32ToF16Bits(2 ** -25)).toBe(0); // half the smallest subnormal: tie → even (0)
    expect(f32ToF16Bits(1.5 * 2 ** -24)).toBe(2);
    expect(f32ToF16Bits(-0)).toBe(0x8000);
    expect(Array.from(narrowF16([0.25, 1 / 3]))).toEqual([0x3400, 0x3555]);
  });
});
