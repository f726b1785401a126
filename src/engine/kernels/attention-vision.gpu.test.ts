import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { attentionRef, randomF32, worstRatio } from '../../test-utils/cpu/attention';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { attentionVision } from './attention-vision';

/** Runs vision attention on seeded qkv and compares with the f64 reference restricted to each row's segment. */
async function check(heads: number, dim: number, cu: number[], seed: number) {
  const ctx = await testGpu();
  const n = cu[cu.length - 1]!;
  const hidden = heads * dim;
  const qkv = randomF32(seed, n * 3 * hidden, 1.5);
  const tqkv = uploadTensor(ctx, 'qkv', 'f32', [n, 3 * hidden], qkv);
  const out = createTensor(ctx, 'out', 'f32', [n, hidden]);
  const attn = attentionVision(
    ctx,
    'vattn',
    { heads, headDim: dim },
    { qkv: tqkv, cuSeqlens: Int32Array.from(cu), out },
  );
  const t0 = performance.now();
  runOps(ctx, [attn]);
  const got = await readTensorF32(ctx, out);
  const ms = performance.now() - t0;
  expect(ctx.errors).toEqual([]);

  // Reference layout: q [rows][heads][dim], K/V [heads][rows][dim] (MHA: kvHeads = heads).
  const q = new Float32Array(n * hidden);
  const k = new Float32Array(n * hidden);
  const v = new Float32Array(n * hidden);
  for (let r = 0; r < n; r++) {
    q.set(qkv.subarray(r * 3 * hidden, r * 3 * hidden + hidden), r * hidden);
    for (let h = 0; h < heads; h++) {
      k.set(
        qkv.subarray(r * 3 * hidden + hidden + h * dim, r * 3 * hidden + hidden + (h + 1) * dim),
        (h * n + r) * dim,
      );
      v.set(
        qkv.subarray(r * 3 * hidden + 2 * hidden + h * dim, r * 3 * hidden + 2 * hidden + (h + 1) * dim),
        (h * n + r) * dim,
      );
    }
  }
  const segment = (r: number): [number, number] => {
    const s = cu.findIndex((c, i) => i + 1 < cu.length && r >= c && r < cu[i + 1]!);
    return [cu[s]!, cu[s + 1]!];
  };
  const want = attentionRef({ q, rows: n, heads, kvHeads: heads, dim, k, v, len: n, keyRange: segment });
  // Same f32 error budget as the prefill test (outputs are convex combinations of v ~ N(0, 1)).
  expect(worstRatio(got, want, 1e-5, 1e-5).ratio).toBeLessThanOrEqual(1);
  // Leaking across a boundary must be visible: full (unsegmented) attention differs.
  const leaky = attentionRef({ q, rows: n, heads, kvHeads: heads, dim, k, v, len: n, keyRange: () => [0, n] });
  expect(worstRatio(got, leaky, 1e-3, 0).ratio).toBeGreaterThan(1);
  return ms;
}

describe('attentionVision', () => {
  it('windows of 64 and 16 rows whose boundaries straddle the 32-row tiles (tiny: 2 heads × 16)', async () => {
    await check(2, 16, [0, 64, 128, 144, 208, 272, 288, 352], 1);
  });

  it('7B vision heads (16 × 80) with uneven segments', async () => {
    const ms = await check(16, 80, [0, 100, 164, 300, 301, 340], 2);
    console.log(`vision attention 340 rows × 16 heads × 80: ${ms.toFixed(0)} ms on this adapter`);
  });

  it('a full temporal slice of 1008 rows (7B demo size) next to a short one', async () => {
    const ms = await check(2, 80, [0, 1008, 1072], 3);
    console.log(`vision attention 1072 rows (1008 + 64) × 2 heads × 80: ${ms.toFixed(0)} ms on this adapter`);
  });

  it('rejects malformed segment tables', async () => {
    const ctx = await testGpu();
    const qkv = createTensor(ctx, 'qkv', 'f32', [8, 96]);
    const out = createTensor(ctx, 'out', 'f32', [8, 32]);
    expect(() =>
      attentionVision(ctx, 'v', { heads: 2, headDim: 16 }, { qkv, out, cuSeqlens: Int32Array.from([0, 4, 4, 8]) }),
    ).toThrow(/increase strictly/);
    expect(() =>
      attentionVision(ctx, 'v', { heads: 2, headDim: 16 }, { qkv, out, cuSeqlens: Int32Array.from([0, 9]) }),
    ).toThrow(/qkv.*elements/);
  });
});
