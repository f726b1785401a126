// One Qwen2.5-VL-7B vision block at the real dimensions (1280 hidden, 16 heads of 80, SwiGLU 3420 with biases,
// 2-D RoPE) on grid (2, 24, 22) = 1056 patches against transformers 4.51.1 (slice-7b-vision), in windowed mode
// (18 windows including a padded window row; merged width 11 gives windows of 4, 4 and 3 columns) and in
// full-attention mode (one segment per temporal patch). Weights from the hash PRNG through the model's own block
// loader; the block runs through the vision tower's own dispatch list (visionBlockOps over ChunkResources: the
// window reordering of the raster input, the RoPE coordinates and segment tables of a chunk of whole temporal
// slices) on a device with the default 128 MiB binding limit. Windowed mode runs all 1056 patches as one 2-slice
// chunk; full mode runs the second temporal slice alone, as the tower does when a video is split into 1-slice
// chunks (attention never crosses a slice, so its rows equal the golden's) — half the cost on SwiftShader, where
// the 1056-patch block takes ~1 min. Checked: the committed output rows, the residual branch of those rows on
// its own scale, and every computed row's sum and sum of squares.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceSpec, type SliceVisionMeta } from '../../../test-utils/golden-meta';
import { loadGolden, REPO_ROOT } from '../../../test-utils/goldens';
import { testGpu } from '../../../test-utils/gpu';
import { HashWeightProvider } from '../../../test-utils/hash-provider';
import { hashF32 } from '../../../test-utils/hash-weights';
import { difference, relError } from '../../../test-utils/parity';
import type { GpuContext } from '../../gpu/device';
import { destroyOps, encodeOps } from '../../gpu/dispatch';
import { createTensor, readTensorF32, writeHost } from '../../gpu/tensor';
import { residualAdd } from '../../../test-utils/residual-add';
import { ropeInvFreqTensor } from '../../kernels/rope-freq';
import { parseModelSpec, type ModelSpec } from '../../spec';
import { loadVisionBlock, Owner, type VisionBlockWeights } from './load-weights';
import { ChunkResources, visionBlockOps } from './vision-model';

const TOLERANCE = 1e-4;
const golden = loadGolden('slice-7b-vision');
const meta = golden.meta<SliceVisionMeta>();
const spec7b: ModelSpec = parseModelSpec({
  config: readFileSync(join(REPO_ROOT, 'src/engine/spec/fixtures/qwen2_5_vl_7b/config.json'), 'utf8'),
});
const [T, GH, GW] = meta.grid_thw;
const C = spec7b.vision.hiddenSize;
const SLICE = GH * GW;
const N = T * SLICE;
const hiddenIn = hashF32(sliceSpec(meta.seed, meta.hidden_in));
const own = new Owner();
afterAll(() => own.destroy());

/**
 * The block's output over temporal slices [first, first + slices) as one chunk of the tower: f32 [rows, C] in the
 * chunk's window order, which is the golden's window order shifted by first · H · W rows.
 */
async function runBlock(
  ctx: GpuContext,
  block: VisionBlockWeights,
  fullAttention: boolean,
  first: number,
  slices: number,
): Promise<Float32Array> {
  const v = { ...spec7b.vision, depth: 1, fullAttentionBlocks: fullAttention ? [0] : [] };
  const res = new ChunkResources(ctx, { ...spec7b, vision: v }, { t: T, h: GH, w: GW }, slices);
  const invFreq = ropeInvFreqTensor(ctx, 'slice.vision.rope_inv_freq', v.ropeTheta, v.headDim / 2);
  const out = createTensor(ctx, 'slice.vision.block_out', 'f32', [res.rows, C]);
  try {
    writeHost(ctx, res.patch.buffer, 0, hiddenIn.subarray(first * SLICE * C, (first + slices) * SLICE * C));
    const ops = visionBlockOps(ctx, v, [block], res, invFreq);
    // The tower leaves the last MLP branch in tmp for the merger's fused add; here the block output is x + tmp.
    const all = [...ops, residualAdd(ctx, 'slice.vision.residual', res.x, res.tmp, out, res.rows * C)];
    const t0 = performance.now();
    const enc = ctx.device.createCommandEncoder({ label: 'slice.vision' });
    encodeOps(enc, all, 'slice.vision');
    ctx.device.queue.submit([enc.finish()]);
    const result = await readTensorF32(ctx, out);
    console.log(
      `[swiftshader] 7B vision block, ${fullAttention ? 'full' : 'windowed'}, ${res.rows} patches: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    destroyOps(all);
    return result;
  } finally {
    res.destroy();
    invFreq.buffer.destroy();
    out.buffer.destroy();
  }
}

describe('7B-shaped vision block vs transformers 4.51.1 (slice-7b-vision)', () => {
  let block: Promise<VisionBlockWeights> | null = null;
  const loadBlock = (ctx: GpuContext) =>
    (block ??= loadVisionBlock(
      new HashWeightProvider(
        ctx,
        own,
        meta.weights.map((w) => sliceSpec(meta.seed, w)),
        { quantize: false },
      ),
      0,
    ));
  const committed = Array.from(golden.i32('outputs.safetensors', 'rows').data);
  const row = (x: Float32Array, r: number) => Array.from(x.subarray(r * C, (r + 1) * C));
  // The block input of a (window-order) row: raster row windowIndex[r / 4]·4 + r % 4.
  const inputRow = (r: number) => row(hiddenIn, meta.window_index[r >> 2]! * 4 + (r & 3));

  it('checks the golden against our 7B spec', () => {
    const v = spec7b.vision;
    expect(meta.config).toMatchObject({
      hidden_size: C,
      intermediate_size: v.intermediateSize,
      num_heads: v.numHeads,
      spatial_merge_size: v.spatialMergeSize,
      window_size: v.windowSizePx,
      patch_size: v.patchSize,
    });
    expect([v.headDim, N, meta.hidden_in.shape[0]]).toEqual([80, 1056, 1056]);
    expect(committed.filter((r) => r >= SLICE).length).toBeGreaterThan(30);
  });

  it.each([
    ['windowed', false, 0, 2],
    ['full', true, 1, 1],
  ] as const)(
    '%s attention: committed rows, their residual branch, and every row sum / sum of squares within 1e-4',
    async (mode, fullAttention, first, slices) => {
      const ctx = await testGpu({ bufferLimits: 'default' });
      const got = await runBlock(ctx, await loadBlock(ctx), fullAttention, first, slices);
      const [lo, hi] = [first * SLICE, (first + slices) * SLICE];
      const picked = committed.flatMap((r, i) => (r >= lo && r < hi ? [{ r, i }] : []));
      const allWant = golden.f32('outputs.safetensors', `${mode}.rows`).data;
      const wantRows = picked.flatMap(({ i }) => row(allWant, i));
      const gotRows = picked.flatMap(({ r }) => row(got, r - lo));
      const inputRows = picked.flatMap(({ r }) => inputRow(r));
      const sums = (square: boolean) =>
        Float64Array.from({ length: hi - lo }, (_, i) =>
          got.subarray(i * C, (i + 1) * C).reduce((a, b) => a + (square ? b * b : b), 0),
        );
      const errors = {
        rows: relError(gotRows, wantRows),
        branch: relError(difference(gotRows, inputRows), difference(wantRows, inputRows)),
        rowSum: relError(sums(false), golden.f32('outputs.safetensors', `${mode}.row_sum`).data.subarray(lo, hi)),
        rowSumSq: relError(sums(true), golden.f32('outputs.safetensors', `${mode}.row_sumsq`).data.subarray(lo, hi)),
      };
      console.log(
        `[slice-7b-vision] ${mode}, rows [${lo}, ${hi}), ${picked.length} committed: ${Object.entries(errors)
          .map(([k, e]) => `${k} ${e.toExponential(2)}`)
          .join(', ')}`,
      );
      for (const e of Object.values(errors)) expect(e).toBeLessThan(TOLERANCE);
      expect(ctx.errors).toEqual([]);
    },
  );
});
