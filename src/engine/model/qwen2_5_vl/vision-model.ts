// The Qwen2.5-VL vision tower on GPU (docs/model.md §3): patch embedding, window reordering, 2-D RoPE, windowed and
// full-attention blocks, the patch merger, and the window order undone. Attention never crosses a temporal patch
// (windows and full-attention segments are both per slice), so the tower runs on chunks of whole slices, which
// bounds activations whatever the video length.
import type { GpuContext } from '../../gpu/device';
import {
  destroyOps,
  encodeDispatches,
  encodeOps,
  opDispatches,
  type Dispatch,
  type KernelOp,
} from '../../gpu/dispatch';
import { createTensor, freeTensor, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { gelu, swigluFused } from '../../kernels/activations';
import { attentionVision } from '../../kernels/attention-vision';
import { injectRows } from '../../kernels/embed';
import { linear } from '../../kernels/linear';
import { rmsnorm, rmsnormResidual } from '../../kernels/rmsnorm';
import { ropeInvFreqTensor } from '../../kernels/rope-freq';
import { ropeVision } from '../../kernels/rope-vision';
import type { PixelValuesChunk } from '../../kernels/preprocess/preprocessor';
import type { ModelSpec, VisionSpec } from '../../spec/model-spec';
import type { VisionBlockWeights, VisionWeights } from './load-weights';
import { visionChunkSlices } from './memory-plan';
import type { VideoGridThw } from './rope-index';
import { visionLayout, type VisionLayout } from './vision-layout';

/** Buffers and index tables for chunks of `slices` temporal slices. */
export class ChunkResources {
  readonly rows: number;
  readonly x: GpuTensor;
  readonly normed: GpuTensor;
  readonly tmp: GpuTensor;
  readonly patch: GpuTensor;
  readonly qkv: GpuTensor;
  readonly attn: GpuTensor;
  readonly gateUp: GpuTensor;
  readonly act: GpuTensor;
  readonly merged: GpuTensor;
  readonly mergedOut: GpuTensor;
  readonly raster: GpuTensor;
  /** Row-level window order of the chunk: x[i] = patch[rowPerm[i]]. */
  readonly rowPerm: GpuTensor;
  /** Merged-token level inverse: raster[i] = mergedOut[windowInverse[i]]. */
  readonly windowInverse: GpuTensor;
  readonly coords: GpuTensor;
  readonly cuWindow: Int32Array;
  readonly cuFull: Int32Array;
  private readonly all: GpuTensor[];

  constructor(
    private readonly ctx: GpuContext,
    spec: ModelSpec,
    grid: VideoGridThw,
    readonly slices: number,
  ) {
    const v = spec.vision;
    const sliceRows = grid.h * grid.w;
    this.rows = slices * sliceRows;
    const R = this.rows;
    const M = R / v.mergeUnit;
    const f32 = (name: string, rows: number, cols: number) =>
      createTensor(ctx, `vision.${name}`, 'f32', [rows, cols], 0, true);
    this.x = f32('residual', R, v.hiddenSize);
    this.normed = f32('normed', R, v.hiddenSize);
    this.tmp = f32('branch_out', R, v.hiddenSize);
    this.patch = f32('patch_embed_out', R, v.hiddenSize);
    this.qkv = f32('qkv', R, 3 * v.hiddenSize);
    this.attn = f32('attn_out', R, v.hiddenSize);
    this.gateUp = f32('gate_up', R, 2 * v.intermediateSize);
    this.act = f32('mlp_act', R, v.intermediateSize);
    this.merged = f32('merger.hidden', M, v.mergerHidden);
    this.mergedOut = f32('merger.out', M, v.outHiddenSize);
    this.raster = f32('merger.raster', M, v.outHiddenSize);

    // The layout of one chunk is the layout of a video of `slices` slices (nothing in it depends on t).
    const L: VisionLayout = visionLayout({ t: slices, h: grid.h, w: grid.w }, v.spatialMergeSize, v.windowMergedTokens);
    const rowPerm = new Uint32Array(R);
    for (let pos = 0; pos < M; pos++)
      for (let u = 0; u < v.mergeUnit; u++) rowPerm[pos * v.mergeUnit + u] = L.windowIndex[pos]! * v.mergeUnit + u;
    this.rowPerm = uploadTensor(ctx, 'vision.window_row_perm', 'u32', [R], rowPerm);
    this.windowInverse = uploadTensor(ctx, 'vision.window_inverse', 'u32', [M], Uint32Array.from(L.windowInverse));
    this.coords = uploadTensor(ctx, 'vision.rotary_coords', 'i32', [R, 2], L.rotaryCoords);
    this.cuWindow = L.cuWindowSeqlens;
    this.cuFull = L.cuSeqlens;
    this.all = [
      this.x,
      this.normed,
      this.tmp,
      this.patch,
      this.qkv,
      this.attn,
      this.gateUp,
      this.act,
      this.merged,
      this.mergedOut,
      this.raster,
      this.rowPerm,
      this.windowInverse,
      this.coords,
    ];
  }

  destroy(): void {
    for (const t of this.all) freeTensor(this.ctx, t);
  }
}

/**
 * The window reordering of `r.patch` into `r.x` and every block over the chunk. After these dispatches `r.x` holds
 * the residual before the last block's MLP branch and `r.tmp` that branch (the merger's ln_q adds them), both in
 * window order. Exported for the 7B-shaped single-block test.
 */
export function visionBlockOps(
  ctx: GpuContext,
  v: VisionSpec,
  blocks: readonly VisionBlockWeights[],
  r: ChunkResources,
  invFreq: GpuTensor,
): KernelOp[] {
  const R = r.rows;
  const eps = v.rmsNormEps;
  const full = new Set(v.fullAttentionBlocks);
  const block = (B: VisionBlockWeights, i: number): KernelOp[] => {
    const p = `visual.blocks.${i}`;
    return [
      i === 0
        ? rmsnorm(ctx, `${p}.norm1`, { x: r.x, weight: B.norm1, y: r.normed, m: R, eps })
        : rmsnormResidual(ctx, `${p}.norm1`, { h: r.x, delta: r.tmp, weight: B.norm1, y: r.normed, m: R, eps }),
      linear(ctx, `${p}.attn.qkv`, { x: r.normed, weight: B.qkv, bias: B.qkvBias, y: r.qkv, m: R }),
      ropeVision(
        ctx,
        `${p}.rope`,
        { heads: v.numHeads, headDim: v.headDim, maxRows: R },
        { qkv: r.qkv, coords: r.coords, invFreq },
      ),
      attentionVision(
        ctx,
        `${p}.attn`,
        { heads: v.numHeads, headDim: v.headDim },
        { qkv: r.qkv, cuSeqlens: full.has(i) ? r.cuFull : r.cuWindow, out: r.attn },
      ),
      linear(ctx, `${p}.attn.proj`, { x: r.attn, weight: B.proj, bias: B.projBias, y: r.tmp, m: R }),
      rmsnormResidual(ctx, `${p}.norm2`, { h: r.x, delta: r.tmp, weight: B.norm2, y: r.normed, m: R, eps }),
      linear(ctx, `${p}.mlp.gate_up_proj`, { x: r.normed, weight: B.gateUp, bias: B.gateUpBias, y: r.gateUp, m: R }),
      swigluFused(ctx, `${p}.mlp.act`, { gateUp: r.gateUp, out: r.act, m: R, cols: v.intermediateSize }),
      linear(ctx, `${p}.mlp.down_proj`, { x: r.act, weight: B.down, bias: B.downBias, y: r.tmp, m: R }),
    ];
  };
  return [
    injectRows(ctx, 'visual.window_order', { ordinals: r.rowPerm, features: r.patch, out: r.x, m: R }),
    ...blocks.flatMap(block),
  ];
}

/** Per-chunk-size kernels from the patch embeddings to the raster merger output. */
class ChunkPass {
  private readonly ops: KernelOp[];
  readonly dispatches: readonly Dispatch[];

  constructor(ctx: GpuContext, spec: ModelSpec, w: VisionWeights, r: ChunkResources, invFreq: GpuTensor) {
    const v = spec.vision;
    const R = r.rows;
    const M = R / v.mergeUnit;
    const eps = v.rmsNormEps;
    // Merger: ln_q (fused with the last residual add), 2×2 concat = a free reshape of consecutive rows, MLP.
    const concat: GpuTensor = { ...r.normed, shape: [M, v.mergerHidden] };
    this.ops = [
      ...visionBlockOps(ctx, v, w.blocks, r, invFreq),
      rmsnormResidual(ctx, 'visual.merger.ln_q', { h: r.x, delta: r.tmp, weight: w.lnQ, y: r.normed, m: R, eps }),
      linear(ctx, 'visual.merger.mlp.0', { x: concat, weight: w.mlp0, bias: w.mlp0Bias, y: r.merged, m: M }),
      gelu(ctx, 'visual.merger.gelu', { x: r.merged, n: M * v.mergerHidden }),
      linear(ctx, 'visual.merger.mlp.2', { x: r.merged, weight: w.mlp2, bias: w.mlp2Bias, y: r.mergedOut, m: M }),
      injectRows(ctx, 'visual.window_order_undo', {
        ordinals: r.windowInverse,
        features: r.mergedOut,
        out: r.raster,
        m: M,
      }),
    ];
    this.dispatches = opDispatches(this.ops);
  }

  destroy(): void {
    destroyOps(this.ops);
  }
}

export class VisionModel {
  private readonly invFreq: GpuTensor;

  constructor(
    private readonly ctx: GpuContext,
    private readonly spec: ModelSpec,
    private readonly w: VisionWeights,
  ) {
    const v = spec.vision;
    this.invFreq = ropeInvFreqTensor(ctx, 'vision.rope_inv_freq', v.ropeTheta, v.headDim / 2);
  }

  /**
   * Runs the tower over a whole video's pixel values (the preprocessor's chunks, in processor row order) and
   * returns f32 [T·H·W/4, out_hidden] in raster order — the rows that replace the <|video_pad|> tokens.
   * `onSlices(done, total)` reports progress after each submitted chunk.
   */
  async encode(
    grid: VideoGridThw,
    pixels: readonly PixelValuesChunk[],
    onSlices?: (done: number, total: number) => void,
  ): Promise<GpuTensor> {
    const { ctx, spec } = this;
    const v = spec.vision;
    const sliceRows = grid.h * grid.w;
    const perChunk = Math.min(
      grid.t,
      visionChunkSlices(spec, sliceRows, Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize)),
    );
    const sliceTokens = sliceRows / v.mergeUnit;
    const features = createTensor(ctx, 'vision.features', 'f32', [grid.t * sliceTokens, v.outHiddenSize]);
    const sizes = new Map<number, { res: ChunkResources; pass: ChunkPass }>();
    const get = (slices: number) => {
      let s = sizes.get(slices);
      if (!s) {
        const res = new ChunkResources(ctx, spec, grid, slices);
        s = { res, pass: new ChunkPass(ctx, spec, this.w, res, this.invFreq) };
        sizes.set(slices, s);
      }
      return s;
    };
    try {
      for (let t0 = 0; t0 < grid.t;) {
        // A chunk never straddles two pixel-value buffers.
        const src = pixels.find((c) => t0 >= c.firstTemporal && t0 < c.firstTemporal + c.temporalCount);
        if (!src) throw new Error(`vision: no pixel values for temporal patch ${t0}`);
        const slices = Math.min(perChunk, src.firstTemporal + src.temporalCount - t0);
        const { res, pass } = get(slices);
        const enc = ctx.device.createCommandEncoder({ label: `vision.chunk[t ${t0}..${t0 + slices})` });
        const embed = linear(ctx, 'visual.patch_embed', {
          x: src.tensor,
          weight: this.w.patchEmbed,
          y: res.patch,
          m: res.rows,
          xRowOffset: (t0 - src.firstTemporal) * sliceRows,
        });
        encodeOps(enc, [embed], 'visual.patch_embed');
        encodeDispatches(enc, pass.dispatches, 'visual.blocks');
        enc.copyBufferToBuffer(
          res.raster.buffer,
          0,
          features.buffer,
          t0 * sliceTokens * v.outHiddenSize * 4,
          slices * sliceTokens * v.outHiddenSize * 4,
        );
        ctx.device.queue.submit([enc.finish()]);
        t0 += slices;
        await ctx.device.queue.onSubmittedWorkDone();
        embed.destroy();
        onSlices?.(t0, grid.t);
      }
      return features;
    } catch (e) {
      features.buffer.destroy();
      throw e;
    } finally {
      for (const { res, pass } of sizes.values()) {
        pass.destroy();
        res.destroy();
      }
    }
  }

  destroy(): void {
    this.invFreq.buffer.destroy();
  }
}
