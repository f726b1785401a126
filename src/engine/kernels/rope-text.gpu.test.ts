import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { randomF32, ropeTextRef, worstRatio } from '../../test-utils/cpu/attention';
import { runOps } from '../gpu/dispatch';
import { readTensorF32, uploadTensor, writeHost, type GpuTensor } from '../gpu/tensor';
import type { GpuContext } from '../gpu/device';
import { createKvCacheLayer, type KvDtype } from './kv-cache';
import { ropeInvFreq, ropeInvFreqTensor } from './rope-freq';
import { ropeTextKvAppend } from './rope-text';
import { denseRows, fusedQkvRows } from './row-view';

interface Case {
  heads: number;
  kvHeads: number;
  dim: number;
  section: [number, number, number];
  theta: number;
  rows: number;
  maxRows: number;
  maxLen: number;
  cacheStart: number;
  posColumn: number;
  posLen: number;
  maxPos: number;
  fused: boolean;
  dtype: KvDtype;
}

const SENTINEL = 777;

function fill(ctx: GpuContext, t: GpuTensor, v: number): void {
  const n = t.dtype === 'f16' ? t.shape.reduce((a, b) => a * b, 1) / 2 : t.shape.reduce((a, b) => a * b, 1);
  writeHost(ctx, t.buffer, 0, t.dtype === 'f16' ? new Uint32Array(n).fill(0x62126212) : new Float32Array(n).fill(v));
}

async function runCase(c: Case, seed: number) {
  const ctx = await testGpu();
  const { heads: H, kvHeads: K, dim: D, rows: M } = c;
  const qd = H * D;
  const kd = K * D;
  const q = randomF32(seed, c.maxRows * qd, 2);
  const k = randomF32(seed + 1, c.maxRows * kd, 2);
  const v = randomF32(seed + 2, c.maxRows * kd, 2);
  // Distinct t/h/w positions so a wrong section boundary shows; large values exercise the angle reduction.
  const pos = Int32Array.from(
    { length: 3 * c.posLen },
    (_, i) => (Math.imul(i + seed, 2654435761) >>> 0) % (c.maxPos + 1),
  );

  let views;
  if (c.fused) {
    const qkv = new Float32Array(c.maxRows * (qd + 2 * kd));
    for (let r = 0; r < c.maxRows; r++) {
      qkv.set(q.subarray(r * qd, (r + 1) * qd), r * (qd + 2 * kd));
      qkv.set(k.subarray(r * kd, (r + 1) * kd), r * (qd + 2 * kd) + qd);
      qkv.set(v.subarray(r * kd, (r + 1) * kd), r * (qd + 2 * kd) + qd + kd);
    }
    views = fusedQkvRows(uploadTensor(ctx, 'qkv', 'f32', [c.maxRows, qd + 2 * kd], qkv), H, K, D);
  } else {
    views = {
      q: denseRows(uploadTensor(ctx, 'q', 'f32', [c.maxRows, qd], q)),
      k: denseRows(uploadTensor(ctx, 'k', 'f32', [c.maxRows, kd], k)),
      v: denseRows(uploadTensor(ctx, 'v', 'f32', [c.maxRows, kd], v)),
    };
  }
  const positions = uploadTensor(ctx, 'positions', 'i32', [3, c.posLen], pos);
  const invFreq = ropeInvFreqTensor(ctx, 'inv_freq', c.theta, D);
  const qOut = uploadTensor(ctx, 'q_out', 'f32', [c.maxRows, qd], new Float32Array(c.maxRows * qd).fill(SENTINEL));
  const cache = createKvCacheLayer(ctx, 'layer0', { kvHeads: K, headDim: D, maxLen: c.maxLen, dtype: c.dtype });
  fill(ctx, cache.k, SENTINEL);
  fill(ctx, cache.v, SENTINEL);
  const rope = ropeTextKvAppend(
    ctx,
    'rope',
    { heads: H, kvHeads: K, headDim: D, mropeSection: c.section, maxRows: c.maxRows },
    { ...views, positions, invFreq, qOut, cache },
  );
  rope.set({ rows: M, cacheStart: c.cacheStart, posColumn: c.posColumn });
  runOps(ctx, [rope]);

  const inv = ropeInvFreq(c.theta, D);
  const wantQ = ropeTextRef(q, M, H, D, pos, c.posLen, c.posColumn, inv, c.section);
  const wantK = ropeTextRef(k, M, K, D, pos, c.posLen, c.posColumn, inv, c.section);
  const gotQ = await readTensorF32(ctx, qOut);
  const gotK = await readTensorF32(ctx, cache.k);
  const gotV = await readTensorF32(ctx, cache.v);
  expect(ctx.errors).toEqual([]);
  return { c, q, k, v, wantQ, wantK, gotQ, gotK, gotV };
}

/** Cache [K][maxLen][D] rows [start, start+rows) as [rows][K][D]; checks every other row is untouched. */
function cacheRows(c: Case, got: Float32Array, sentinel: number): Float32Array {
  const { kvHeads: K, dim: D } = c;
  const out = new Float32Array(c.rows * K * D);
  for (let h = 0; h < K; h++) {
    for (let p = 0; p < c.maxLen; p++) {
      const src = got.subarray((h * c.maxLen + p) * D, (h * c.maxLen + p + 1) * D);
      const r = p - c.cacheStart;
      if (r >= 0 && r < c.rows) out.set(src, (r * K + h) * D);
      else
        expect(
          src.findIndex((x) => x !== sentinel),
          'first index where it fails',
        ).toBe(-1);
    }
  }
  return out;
}

// f32: the kernel's cos/sin are within 1e-7 of f64 (common/trig.wgsl) and the products are f32, so each output is
// within a few f32 ulps of |x|·1 plus that angle error times |x| (|x| ≲ 10 here): atol 2e-6, rtol 1e-6.
const F32_TOL = [2e-6, 1e-6] as const;

describe('ropeTextKvAppend', () => {
  const tiny: Case = {
    heads: 4,
    kvHeads: 2,
    dim: 16,
    section: [2, 3, 3],
    theta: 1e6,
    rows: 13,
    maxRows: 16,
    maxLen: 40,
    cacheStart: 5,
    posColumn: 3,
    posLen: 20,
    maxPos: 500,
    fused: true,
    dtype: 'f32',
  };

  it('rotates q/k with sectioned positions and appends k, v at cacheStart (tiny shapes, fused qkv, f32 cache)', async () => {
    const r = await runCase(tiny, 11);
    const { heads: H, dim: D, rows: M } = tiny;
    expect(worstRatio(r.gotQ.subarray(0, M * H * D), r.wantQ, ...F32_TOL).ratio).toBeLessThanOrEqual(1);
    expect(
      r.gotQ.subarray(M * H * D).findIndex((x) => x !== SENTINEL),
      'first index where it fails',
    ).toBe(-1);
    expect(worstRatio(cacheRows(tiny, r.gotK, SENTINEL), r.wantK, ...F32_TOL).ratio).toBeLessThanOrEqual(1);
    expect(cacheRows(tiny, r.gotV, SENTINEL)).toEqual(r.v.subarray(0, M * tiny.kvHeads * D));
  });

  it('matches at 7B shapes (28/4 heads, D 128, [16,24,24]) with positions up to 128000, separate q/k/v', async () => {
    const c: Case = {
      heads: 28,
      kvHeads: 4,
      dim: 128,
      section: [16, 24, 24],
      theta: 1e6,
      rows: 5,
      maxRows: 7,
      maxLen: 9,
      cacheStart: 4,
      posColumn: 0,
      posLen: 5,
      maxPos: 128000,
      fused: false,
      dtype: 'f32',
    };
    const r = await runCase(c, 21);
    // At angle ~1e5 the f32 ulp of the angle itself is ~0.008; both sides round the same f32 angle, so the only
    // difference is cos/sin evaluation (1e-7): the same tolerance holds.
    expect(worstRatio(r.gotQ.subarray(0, c.rows * 28 * 128), r.wantQ, ...F32_TOL).ratio).toBeLessThanOrEqual(1);
    expect(worstRatio(cacheRows(c, r.gotK, SENTINEL), r.wantK, ...F32_TOL).ratio).toBeLessThanOrEqual(1);
    expect(cacheRows(c, r.gotV, SENTINEL)).toEqual(r.v.subarray(0, c.rows * 4 * 128));
  });

  it('stores f16 caches within half an f16 ulp of the f32 result (decode: one row)', async () => {
    const c: Case = { ...tiny, rows: 1, maxRows: 1, cacheStart: 39, posColumn: 19, dtype: 'f16' };
    const r = await runCase(c, 31);
    const f16Sentinel = 777; // 0x6212 as f16
    // f16 rounding: relative 2^-11 (half ulp) plus the f32 tolerance.
    expect(worstRatio(cacheRows(c, r.gotK, f16Sentinel), r.wantK, 1e-5, 2 ** -11 + 1e-6).ratio).toBeLessThanOrEqual(1);
    expect(
      worstRatio(cacheRows(c, r.gotV, f16Sentinel), r.v.subarray(0, c.kvHeads * c.dim), 1e-5, 2 ** -11).ratio,
    ).toBeLessThanOrEqual(1);
    expect(worstRatio(r.gotQ, r.wantQ, ...F32_TOL).ratio).toBeLessThanOrEqual(1);
  });

  it('rejects sections that do not cover headDim/2 and steps past the cache', async () => {
    const ctx = await testGpu();
    const qkv = uploadTensor(ctx, 'qkv', 'f32', [2, 64], new Float32Array(128));
    const views = fusedQkvRows(qkv, 2, 1, 16);
    const io = {
      ...views,
      positions: uploadTensor(ctx, 'pos', 'i32', [3, 2], new Int32Array(6)),
      invFreq: ropeInvFreqTensor(ctx, 'inv', 1e6, 16),
      qOut: uploadTensor(ctx, 'qo', 'f32', [2, 32], new Float32Array(64)),
      cache: createKvCacheLayer(ctx, 'c', { kvHeads: 1, headDim: 16, maxLen: 4, dtype: 'f32' as const }),
    };
    expect(() =>
      ropeTextKvAppend(ctx, 'rope', { heads: 2, kvHeads: 1, headDim: 16, mropeSection: [2, 3, 4], maxRows: 2 }, io),
    ).toThrow(/sum.*8/);
    const rope = ropeTextKvAppend(
      ctx,
      'rope',
      { heads: 2, kvHeads: 1, headDim: 16, mropeSection: [2, 3, 3], maxRows: 2 },
      io,
    );
    expect(() => rope.set({ rows: 2, cacheStart: 3, posColumn: 0 })).toThrow(/cacheStart = 3/);
    expect(() => rope.set({ rows: 3, cacheStart: 0, posColumn: 0 })).toThrow(/rows = 3/);
  });
});
