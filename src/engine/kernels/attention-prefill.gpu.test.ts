import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { attentionRef, randomF32, worstRatio } from '../../test-utils/cpu/attention';
import { fillKvCache } from '../../test-utils/attention-gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { attentionPrefill } from './attention-prefill';
import { createKvCacheLayer, type KvDtype } from './kv-cache';
import { denseRows } from './row-view';

interface Case {
  heads: number;
  kvHeads: number;
  dim: number;
  rows: number;
  p0: number;
  maxLen: number;
  dtype: KvDtype;
}

/** Runs the kernel on seeded data; returns GPU output and the f64 reference on the values the cache holds. */
async function runCase(c: Case, seed: number) {
  const ctx = await testGpu();
  const { heads: H, kvHeads: K, dim: D, rows: M, p0 } = c;
  const len = p0 + M;
  // q scaled by 2 makes the softmax peaky enough that a wrong mask or scale moves the output visibly.
  const q = randomF32(seed, M * H * D, 2);
  const cache = createKvCacheLayer(ctx, 'layer', { kvHeads: K, headDim: D, maxLen: c.maxLen, dtype: c.dtype });
  // Rows past the context hold huge values: reading any of them would wreck the output.
  fillKvCache(
    ctx,
    cache,
    new Float32Array(K * c.maxLen * D).fill(1000),
    new Float32Array(K * c.maxLen * D).fill(1000),
    c.maxLen,
  );
  const held = fillKvCache(ctx, cache, randomF32(seed + 1, K * len * D), randomF32(seed + 2, K * len * D), len);
  const tq = uploadTensor(
    ctx,
    'q',
    'f32',
    [M + 1, H * D],
    Float32Array.from({ length: (M + 1) * H * D }, (_, i) => q[i] ?? 0),
  );
  const out = createTensor(ctx, 'out', 'f32', [M + 1, H * D]);
  const attn = attentionPrefill(
    ctx,
    'attn',
    { heads: H, kvHeads: K, headDim: D, maxRows: M + 1 },
    { q: denseRows(tq), cache, out: denseRows(out) },
  );
  attn.set({ rows: M, cacheStart: p0 });
  const t0 = performance.now();
  runOps(ctx, [attn]);
  const got = await readTensorF32(ctx, out);
  const ms = performance.now() - t0;
  expect(ctx.errors).toEqual([]);
  const want = attentionRef({
    q,
    rows: M,
    heads: H,
    kvHeads: K,
    dim: D,
    k: held.k,
    v: held.v,
    len,
    keyRange: (i) => [0, p0 + i + 1],
  });
  return { got: got.subarray(0, M * H * D), tail: got.subarray(M * H * D), want, ms };
}

// Outputs are convex combinations of v ~ N(0, 1). f32 error sources: the D-term dot (≈ sqrt(D)·2^-24 relative of
// |q||k| ≈ 1e-6 in the logit), exp, and the 1/l division — all ~1e-6 relative: atol 1e-5, rtol 1e-5.
const TOL = [1e-5, 1e-5] as const;

describe('attentionPrefill', () => {
  it('tiny shapes: G = 2, D = 16, 45 rows from position 0 (not a multiple of the 32-row/16-key tiles)', async () => {
    const r = await runCase({ heads: 4, kvHeads: 2, dim: 16, rows: 45, p0: 0, maxLen: 50, dtype: 'f32' }, 1);
    expect(worstRatio(r.got, r.want, ...TOL).ratio).toBeLessThanOrEqual(1);
    expect(
      r.tail.findIndex((x) => x !== 0),
      'first index where it fails',
    ).toBe(-1);
  });

  it('7B heads (28/4, G = 7, D = 128), chunked: 37 rows after a 23-token prefix', async () => {
    const r = await runCase({ heads: 28, kvHeads: 4, dim: 128, rows: 37, p0: 23, maxLen: 64, dtype: 'f32' }, 2);
    expect(worstRatio(r.got, r.want, ...TOL).ratio).toBeLessThanOrEqual(1);
    console.log(`prefill 37 rows × 28 heads over ≤ 60 keys, D 128: ${r.ms.toFixed(0)} ms on this adapter`);
  });

  it('reads an f16 cache exactly as stored (reference on the f16 values)', async () => {
    const r = await runCase({ heads: 14, kvHeads: 2, dim: 128, rows: 19, p0: 50, maxLen: 80, dtype: 'f16' }, 3);
    expect(worstRatio(r.got, r.want, ...TOL).ratio).toBeLessThanOrEqual(1);
  });

  it('rejects head dims the kernel cannot tile and views it cannot vector-load', async () => {
    const ctx = await testGpu();
    const cache = createKvCacheLayer(ctx, 'c', { kvHeads: 1, headDim: 20, maxLen: 4, dtype: 'f32' });
    const t = createTensor(ctx, 't', 'f32', [4, 40]);
    // Two heads sharing one KV head, 4 rows: only the head dim and the views vary.
    const prefill = (headDim: number, views: Parameters<typeof attentionPrefill>[3]) => () =>
      attentionPrefill(ctx, 'a', { heads: 2, kvHeads: 1, headDim, maxRows: 4 }, views);
    expect(prefill(20, { q: denseRows(t), cache, out: denseRows(t) })).toThrow(/multiple of 16/);
    const c16 = createKvCacheLayer(ctx, 'c', { kvHeads: 1, headDim: 16, maxLen: 4, dtype: 'f32' });
    const q = createTensor(ctx, 'q', 'f32', [4, 34]);
    const o = createTensor(ctx, 'o', 'f32', [4, 32]);
    expect(prefill(16, { q: { tensor: q, offset: 2, stride: 34 }, cache: c16, out: denseRows(o) })).toThrow(
      /multiples of 4/,
    );
  });
});
