import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { decodeRowInput, randomF32, tapRef, worstRatio } from '../../test-utils/cpu/attention';
import { fillKvCache } from '../../test-utils/attention-gpu';
import { runOps } from '../gpu/dispatch';
import type { GpuContext } from '../gpu/device';
import { createTensor, readBuffer, readTensorF32, uploadTensor, type GpuTensor } from '../gpu/tensor';
import { attentionDecode, type AttentionDecode } from './attention-decode';
import { attentionPrefill } from './attention-prefill';
import { attentionTap, createTapBuffer, TapReadback, tapLayout } from './attention-tap';
import { createKvCacheLayer, type KvCacheLayer } from './kv-cache';
import { denseRows } from './row-view';

const H = 28;
const K = 4;
const D = 128;

/** A decode step with the 7B's heads (28/4, D 128), with or without the tap exports. */
function decode(
  ctx: GpuContext,
  label: string,
  io: { q: GpuTensor; cache: KvCacheLayer; out: GpuTensor },
  tap: boolean,
): AttentionDecode {
  const cfg = { heads: H, kvHeads: K, headDim: D, tap };
  return attentionDecode(ctx, label, cfg, { q: denseRows(io.q), cache: io.cache, out: denseRows(io.out) });
}

async function setup(len: number, maxLen: number, rows: number, seed: number) {
  const ctx = await testGpu();
  const q = randomF32(seed, rows * H * D, 2);
  const cache = createKvCacheLayer(ctx, 'layer27', { kvHeads: K, headDim: D, maxLen, dtype: 'f32' });
  const held = fillKvCache(
    ctx,
    cache,
    randomF32(seed + 1, K * maxLen * D),
    randomF32(seed + 2, K * maxLen * D),
    maxLen,
  );
  const tq = uploadTensor(ctx, 'q', 'f32', [rows, H * D], q);
  const ref = decodeRowInput(q.subarray((rows - 1) * H * D), { heads: H, kvHeads: K, dim: D }, held, maxLen, len);
  return { ctx, q, cache, tq, ref };
}

describe('attentionTap', () => {
  it('matches the reference softmax (f32 row, segment masses), sums to 1 over all keys, and leaves the decode output unchanged', async () => {
    const len = 1403;
    const [v0, pairs, per] = [15, 5, 252];
    const v1 = v0 + pairs * per;
    const promptLen = v1 + 40;
    const { ctx, cache, tq, ref } = await setup(len, 1500, 1, 7);
    const plainOut = createTensor(ctx, 'out.plain', 'f32', [1, H * D]);
    const tapOut = createTensor(ctx, 'out.tap', 'f32', [1, H * D]);
    const plain = decode(ctx, 'dec', { q: tq, cache, out: plainOut }, false);
    const tapped = decode(ctx, 'dec.tap', { q: tq, cache, out: tapOut }, true);
    const video = createTapBuffer(ctx, 'tap.video', tapLayout(H, pairs, v1 - v0, 'f32'), 3);
    const all = createTapBuffer(ctx, 'tap.all', tapLayout(H, 1, len, 'f32'), 1);
    const tapVideo = attentionTap(
      ctx,
      'tap',
      { heads: H, videoStart: v0, videoEnd: v1, promptLen },
      { scores: tapped.tapScores!, stats: tapped.tapStats!, buffer: video },
    );
    const tapAll = attentionTap(
      ctx,
      'tap.all',
      { heads: H, videoStart: 0, videoEnd: len },
      { scores: tapped.tapScores!, stats: tapped.tapStats!, buffer: all },
    );
    plain.set({ len });
    tapped.set({ len });
    tapVideo.set({ slot: 2, len });
    tapAll.set({ slot: 0, len });
    runOps(ctx, [plain, tapped, tapVideo, tapAll]);

    const reader = new TapReadback(ctx, 'tap.read', video);
    const rec = await reader.read(2);
    const whole = await new TapReadback(ctx, 'tap.read.all', all).read(0);
    const want = tapRef(ref, 0, len, v0, v1, pairs, promptLen);
    expect(ctx.errors).toEqual([]);

    // Probabilities carry the logits' f32 error (~1e-6 relative) plus exp/division: rtol 1e-5; tiny row entries
    // get an absolute floor far below any value the inspector could show.
    expect(worstRatio(rec.headMass, want.headMass, 1e-9, 1e-5).ratio).toBeLessThanOrEqual(1);
    expect(worstRatio(rec.pairMass, want.pairMass, 1e-9, 1e-5).ratio).toBeLessThanOrEqual(1);
    expect(worstRatio(rec.videoRow, want.videoRow, 1e-12, 1e-5).ratio).toBeLessThanOrEqual(1);
    // Segments (sink, system, video, question, generated): each within 1e-4 of the reference, all five sum to 1,
    // and the video segment is VAS-attn.
    const segs = Array.from(rec.segmentMass);
    segs.forEach((m, k) =>
      expect(Math.abs(m - want.segmentMass[k]!), `segment ${k}: ${m} vs reference ${want.segmentMass[k]}`).toBeLessThan(
        1e-4,
      ),
    );
    expect(
      segs.findIndex((m) => !(m > 0)),
      `first empty segment (every one holds keys here): ${segs.join(', ')}`,
    ).toBe(-1);
    expect(
      Math.abs(segs.reduce((a, b) => a + b, 0) - 1),
      `segments sum to ${segs.reduce((a, b) => a + b, 0)}`,
    ).toBeLessThan(1e-5);
    expect(Math.abs(segs[2]! - rec.headMass.reduce((a, b) => a + b, 0) / H)).toBeLessThan(1e-6);
    expect(
      whole.headMass.findIndex((m) => !(Math.abs(m - 1) < 1e-5)),
      'first head whose whole-context mass is not 1',
    ).toBe(-1);
    expect(Math.abs(whole.pairMass[0]! - 1)).toBeLessThan(1e-5);
    // Pairs partition the span: Σ_g M(g) = mean_h m_h.
    const meanHead = rec.headMass.reduce((a, b) => a + b, 0) / H;
    expect(Math.abs(rec.pairMass.reduce((a, b) => a + b, 0) - meanHead)).toBeLessThan(1e-6);
    // The tap variant computes the same attention bit for bit.
    expect(await readTensorF32(ctx, tapOut)).toEqual(await readTensorF32(ctx, plainOut));
    // Other slots untouched.
    const raw = new Uint32Array(await readBuffer(ctx, video.tensor.buffer, 0, 2 * video.layout.slotBytes));
    expect(
      raw.findIndex((x) => x !== 0),
      'first word written outside slot 2',
    ).toBe(-1);
    reader.destroy();
  });

  it('f16 row within half an f16 ulp; tap on the last prefill row agrees with the prefill kernel', async () => {
    const p0 = 40;
    const rows = 25;
    const len = p0 + rows;
    const [v0, pairs, per] = [3, 3, 16];
    const v1 = v0 + pairs * per;
    const { ctx, cache, tq, ref } = await setup(len, 80, rows, 9);
    const prefillOut = createTensor(ctx, 'prefill.out', 'f32', [rows, H * D]);
    const tapOut = createTensor(ctx, 'tap.out', 'f32', [rows, H * D]);
    const prefill = attentionPrefill(
      ctx,
      'prefill',
      { heads: H, kvHeads: K, headDim: D, maxRows: rows },
      { q: denseRows(tq), cache, out: denseRows(prefillOut) },
    );
    const last = decode(ctx, 'last', { q: tq, cache, out: tapOut }, true);
    const buf = createTapBuffer(ctx, 'tap16', tapLayout(H, pairs, v1 - v0, 'f16'), 1);
    // The first generated token's row: the whole context is the prompt, so the generated segment is empty.
    const tap = attentionTap(
      ctx,
      'tap16',
      { heads: H, videoStart: v0, videoEnd: v1, promptLen: len },
      { scores: last.tapScores!, stats: last.tapStats!, buffer: buf },
    );
    prefill.set({ rows, cacheStart: p0 });
    last.set({ len, row: rows - 1 });
    tap.set({ slot: 0, len });
    runOps(ctx, [prefill, last, tap]);
    const rec = await new TapReadback(ctx, 'tap16.read', buf).read(0);
    const want = tapRef(ref, 0, len, v0, v1, pairs, len);
    expect(ctx.errors).toEqual([]);
    expect(worstRatio(rec.videoRow, want.videoRow, 2 ** -25, 2 ** -11 + 1e-5).ratio).toBeLessThanOrEqual(1);
    rec.segmentMass.forEach((m, k) =>
      expect(Math.abs(m - want.segmentMass[k]!), `segment ${k}: ${m} vs reference ${want.segmentMass[k]}`).toBeLessThan(
        1e-4,
      ),
    );
    expect(rec.segmentMass[4], 'no generated keys yet').toBe(0);
    expect(Math.abs(rec.segmentMass.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    expect(worstRatio(rec.headMass, want.headMass, 1e-9, 1e-5).ratio).toBeLessThanOrEqual(1);
    const a = (await readTensorF32(ctx, prefillOut)).subarray((rows - 1) * H * D);
    const b = (await readTensorF32(ctx, tapOut)).subarray((rows - 1) * H * D);
    expect(worstRatio(b, a, 1e-6, 1e-6).ratio).toBeLessThanOrEqual(1);
  });

  it('rejects spans that do not split into equal pairs and mismatched buffers', async () => {
    expect(() => tapLayout(28, 5, 1001, 'f16')).toThrow(/5 equal frame pairs/);
    const ctx = await testGpu();
    const scores = createTensor(ctx, 's', 'f32', [2, 10]);
    const stats = createTensor(ctx, 'st', 'f32', [2, 2]);
    const buffer = createTapBuffer(ctx, 'b', tapLayout(2, 2, 4, 'f32'), 1);
    expect(() => attentionTap(ctx, 't', { heads: 2, videoStart: 0, videoEnd: 6 }, { scores, stats, buffer })).toThrow(
      /laid out for 2 heads × 4/,
    );
    expect(() => attentionTap(ctx, 't', { heads: 2, videoStart: 8, videoEnd: 12 }, { scores, stats, buffer })).toThrow(
      /videoEnd = 12/,
    );
  });
});
