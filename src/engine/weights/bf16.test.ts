import { describe, expect, it } from 'vitest';
import { f32ToBf16 } from './bf16';

const bytesOf = (...v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe('f32ToBf16', () => {
  it('rounds to nearest, ties to even, exactly like torch.Tensor.to(torch.bfloat16)', () => {
    expect(Array.from(f32ToBf16(bytesOf(1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.5)))).toEqual([
      0x3f80, 0x3f80, 0x3f82, 0x3f81, 0xc020,
    ]);
  });
  it('keeps infinities and NaN (a NaN never rounds into an infinity)', () => {
    const [inf, ninf, nan] = Array.from(f32ToBf16(bytesOf(Infinity, -Infinity, NaN)));
    expect([inf, ninf]).toEqual([0x7f80, 0xff80]);
    expect(nan! & 0x7f80).toBe(0x7f80);
    expect(nan! & 0x7f).not.toBe(0);
  });
  it('rounds the largest finite values up to infinity as torch does', () => {
    expect(f32ToBf16(bytesOf(3.4028234663852886e38))[0]).toBe(0x7f80);
  });
  it('refuses partial values', () => {
    expect(() => f32ToBf16(new Uint8Array(6))).toThrow(/6 bytes/);
  });
});
