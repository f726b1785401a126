import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { attentionRef, decodeRowInput, randomF32, worstRatio } from '../../test-utils/cpu/attention';
import { fillKvCache } from '../../test-utils/attention-gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../gpu/tensor';
import { attentionDecode, createDecodeScratch } from './attention-decode';
import { createKvCacheLayer, type KvDtype } from './kv-cache';
import { denseRows } from './row-view';

interface Case {
  heads: number;
  kvHeads: number;
  dim: number;
  lens: number[];
  maxLen: number;
  dtype: KvDtype;
  row: number;
}

// Same budget as the tiled kernels: the decode output is a convex combination of v ~ N(0, 1) computed in f32.
const TOL = [1e-5, 1e-5] as const;

async function runCase(c: Case, seed: number) {
  const ctx = await testGpu();
  const { heads: H, kvHeads: K, dim: D } = c;
  const rows = c.row + 1;
  const q = randomF32(seed, rows * H * D, 2);
  const kAll = randomF32(seed + 1, K * c.maxLen * D);
  const vAll = randomF32(seed + 2, K * c.maxLen * D);
  const cache = createKvCacheLayer(ctx, 'layer', { kvHeads: K, headDim: D, maxLen: c.maxLen, dtype: c.dtype });
  const held = fillKvCache(ctx, cache, kAll, vAll, c.maxLen);
  const tq = uploadTensor(ctx, 'q', 'f32', [rows, H * D], q);
  const out = createTensor(ctx, 'out', 'f32', [rows, H * D]);
  const scratch = createDecodeScratch(ctx, 'scratch', H, D, c.maxLen);
  const attn = attentionDecode(
    ctx,
    'dec',
    { heads: H, kvHeads: K, headDim: D },
    { q: denseRows(tq), cache, out: denseRows(out), scratch },
  );
  const results = [];
  for (const len of c.lens) {
    attn.set({ len, row: c.row });
    const t0 = performance.now();
    runOps(ctx, [attn]);
    const got = (await readTensorF32(ctx, out)).slice(c.row * H * D);
    const ms = performance.now() - t0;
    const qRow = q.subarray(c.row * H * D);
    const heads = { heads: H, kvHeads: K, dim: D };
    const want = attentionRef(decodeRowInput(qRow, heads, held, c.maxLen, len));
    const exact = attentionRef(decodeRowInput(qRow, heads, { k: kAll, v: vAll }, c.maxLen, len));
    results.push({ len, got, want, exact, ms });
  }
  expect(ctx.errors).toEqual([]);
  return results;
}

describe('attentionDecode', () => {
  it('tiny shapes: consecutive steps with lengths 1, 77 and 64 (chunk edges), G = 2, D = 16', async () => {
    for (const r of await runCase(
      { heads: 4, kvHeads: 2, dim: 16, lens: [1, 77, 64], maxLen: 100, dtype: 'f32', row: 0 },
      1,
    )) {
      expect(worstRatio(r.got, r.want, ...TOL).ratio, `len ${r.len}`).toBeLessThanOrEqual(1);
    }
  });

  it('7B heads (28/4, D 128) over a 6,000-key context, reading q row 1', async () => {
    const [r] = await runCase({ heads: 28, kvHeads: 4, dim: 128, lens: [6000], maxLen: 6100, dtype: 'f32', row: 1 }, 2);
    expect(worstRatio(r!.got, r!.want, ...TOL).ratio).toBeLessThanOrEqual(1);
    console.log(`decode 28 heads × 6000 keys × 128: ${r!.ms.toFixed(0)} ms on this adapter`);
  });

  it('f16 cache: exact on the stored values; the rounding cost against f32 K/V is measured', async () => {
    const [r] = await runCase({ heads: 14, kvHeads: 2, dim: 128, lens: [1500], maxLen: 1500, dtype: 'f16', row: 0 }, 3);
    expect(worstRatio(r!.got, r!.want, ...TOL).ratio).toBeLessThanOrEqual(1);
    let maxAbs = 0;
    let sq = 0;
    for (let i = 0; i < r!.got.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(r!.got[i]! - r!.exact[i]!));
      sq += r!.exact[i]! ** 2;
    }
    const rms = Math.sqrt(sq / r!.got.length);
    console.log(`f16 KV cache vs f32 K/V: max |Δout| = ${maxAbs.toExponential(2)}, output rms ${rms.toExponential(2)}`);
    // f16 keeps 11 bits: the output moves by ~1e-4 of |v|, an order above the f32 budget, far below bf16 noise.
    expect(maxAbs).toBeGreaterThan(1e-6);
    expect(maxAbs).toBeLessThan(2e-3);
  });

  it('rejects lengths past the cache and groups wider than the kernel', async () => {
    const ctx = await testGpu();
    const cache = createKvCacheLayer(ctx, 'c', { kvHeads: 1, headDim: 16, maxLen: 8, dtype: 'f32' });
    const t = createTensor(ctx, 't', 'f32', [1, 32]);
    const o = createTensor(ctx, 'o', 'f32', [1, 32]);
    const attn = attentionDecode(
      ctx,
      'd',
      { heads: 2, kvHeads: 1, headDim: 16 },
      { q: denseRows(t), cache, out: denseRows(o) },
    );
    expect(() => attn.set({ len: 9 })).toThrow(/len = 9/);
    expect(() => attn.set({ len: 4, row: 1 })).toThrow(/row = 1/);
    const wide = createTensor(ctx, 'w', 'f32', [1, 16 * 9]);
    expect(() =>
      attentionDecode(
        ctx,
        'd',
        { heads: 9, kvHeads: 1, headDim: 16 },
        { q: denseRows(wide), cache, out: denseRows(wide) },
      ),
    ).toThrow(/up to 8/);
  });
});
