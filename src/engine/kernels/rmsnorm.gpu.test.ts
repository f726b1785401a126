import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { f32To16Bits, randomF32, rmsnormRef, widen16 } from '../../test-utils/cpu/linalg';
import { rmsnorm, rmsnormResidual } from './rmsnorm';

/**
 * Inputs whose rows span magnitudes: row 0 is tiny (mean x² ≈ 1e-6, so eps = 1e-6 changes the result by ~30 %),
 * the last row carries Qwen-style outliers (a few values of 1e4).
 */
function rows(m: number, k: number, seed: number): Float32Array {
  const x = randomF32(m * k, seed);
  for (let i = 0; i < k; i++) x[i]! *= 1e-3;
  for (let i = 0; i < 5; i++) x[(m - 1) * k + ((i * 997) % k)] = (i % 2 ? -1 : 1) * 1e4;
  return x;
}

/** f32 error of a norm: the sum of squares (K terms) and a few rounded products, well under 1e-5 relative. */
function expectClose(got: Float32Array, ref: Float64Array): void {
  let worst = 0;
  for (let i = 0; i < ref.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / (Math.abs(ref[i]!) + 1e-30));
  expect(worst).toBeLessThanOrEqual(1e-5);
}

describe('rmsnorm', () => {
  for (const [dtype, k] of [
    ['bf16', 3584],
    ['f16', 100],
    ['f32', 1284],
  ] as const) {
    it(`normalises rows with a ${dtype} weight, K = ${k}`, async () => {
      const ctx = await testGpu();
      const m = 5;
      const xHost = rows(m, k, k);
      const wf = randomF32(k, 2, 0.5).map((v) => v + 1);
      const wBits = dtype === 'f32' ? wf : Uint16Array.from(wf, (v) => f32To16Bits(dtype, v));
      const wValues = dtype === 'f32' ? wf : widen16(dtype, wBits as Uint16Array);
      const x = uploadTensor(ctx, 'x', 'f32', [m, k], xHost);
      const w = uploadTensor(ctx, 'w', dtype, [k], wBits);
      const y = createTensor(ctx, 'y', 'f32', [m, k]);
      runOps(ctx, [rmsnorm(ctx, 'norm', { x, weight: w, y, m, eps: 1e-6 })]);
      expectClose(await readTensorF32(ctx, y), rmsnormRef(xHost, m, k, wValues, 1e-6));
      expect(ctx.errors).toEqual([]);
    });
  }

  it('fuses the residual add: h += delta exactly, then normalises the new h', async () => {
    const ctx = await testGpu();
    const [m, k] = [3, 1280];
    const hHost = rows(m, k, 7);
    const dHost = randomF32(m * k, 8, 10);
    const wBits = Uint16Array.from(randomF32(k, 9), (v) => f32To16Bits('bf16', v));
    const h = uploadTensor(ctx, 'h', 'f32', [m, k], hHost);
    const delta = uploadTensor(ctx, 'delta', 'f32', [m, k], dHost);
    const w = uploadTensor(ctx, 'w', 'bf16', [k], wBits);
    const y = createTensor(ctx, 'y', 'f32', [m, k]);
    runOps(ctx, [rmsnormResidual(ctx, 'addnorm', { h, delta, weight: w, y, m, eps: 1e-6 })]);
    const sum = hHost.map((v, i) => Math.fround(v + dHost[i]!));
    expect(Array.from(await readTensorF32(ctx, h))).toEqual(Array.from(sum));
    expectClose(await readTensorF32(ctx, y), rmsnormRef(sum, m, k, widen16('bf16', wBits), 1e-6));
    expect(ctx.errors).toEqual([]);
  });

  it('rejects mismatched shapes and aliasing', async () => {
    const ctx = await testGpu();
    const x = createTensor(ctx, 'x', 'f32', [2, 64]);
    const w = createTensor(ctx, 'w', 'bf16', [64]);
    expect(() =>
      rmsnorm(ctx, 'n', { x, weight: w, y: createTensor(ctx, 'y', 'f32', [2, 32]), m: 2, eps: 1e-6 }),
    ).toThrow(/y \(y\) has shape \[2, 32\], expected rows of K = 64/);
    expect(() => rmsnorm(ctx, 'n', { x, weight: w, y: x, m: 2, eps: 1e-6 })).toThrow(/must not alias/);
    expect(() =>
      rmsnorm(ctx, 'n', { x, weight: w, y: createTensor(ctx, 'y3', 'f32', [2, 64]), m: 3, eps: 1e-6 }),
    ).toThrow(/x \(x\) has 128 elements, need 3 rows of 64/);
  });
});
