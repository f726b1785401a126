// Non-causal multi-head attention of the vision tower within segments (shaders/attention_tiled.wgsl, VISION).
// Segments come from cu_seqlens in patch rows: the window segments for windowed blocks, one per temporal patch for
// the full-attention blocks (docs/model.md §3.4–3.5); build one instance per segment table (sharing the pipeline).
import type { GpuContext } from '../gpu/device';
import { makeDispatch, type KernelOp } from '../gpu/dispatch';
import { uploadTensor, type GpuTensor } from '../gpu/tensor';
import { expectDtype, expectElements, expectInt } from './checks';
import { attentionScale, checkTiledHeadDim, tiledGrid, tiledParams, tiledPipeline } from './attention-tiled';

export interface AttentionVisionConfig {
  readonly heads: number;
  readonly headDim: number;
}

export interface AttentionVisionBindings {
  /** f32 [≥ rows, 3·heads·headDim] = [q | k | v] after the 2-D RoPE, rows in window order. */
  readonly qkv: GpuTensor;
  /** Segment boundaries in rows: 0 = cu[0] < cu[1] < … < cu[n] = rows (vision-layout.ts cuSeqlens / cuWindowSeqlens). */
  readonly cuSeqlens: Int32Array;
  /** f32 [≥ rows, heads·headDim]. */
  readonly out: GpuTensor;
}

export interface AttentionVision extends KernelOp {
  readonly rows: number;
}

export function attentionVision(
  ctx: GpuContext,
  label: string,
  cfg: AttentionVisionConfig,
  io: AttentionVisionBindings,
): AttentionVision {
  const { heads: H, headDim: D } = cfg;
  checkTiledHeadDim(label, D);
  expectInt(label, 'heads', H, 1);
  const cu = io.cuSeqlens;
  if (cu.length < 2 || cu[0] !== 0)
    throw new Error(
      `${label}: cuSeqlens must start at 0 and have at least 2 entries (got [${cu.slice(0, 4).join(', ')}…])`,
    );
  for (let s = 1; s < cu.length; s++) {
    if (!(cu[s]! > cu[s - 1]!))
      throw new Error(`${label}: cuSeqlens must increase strictly; cu[${s - 1}] = ${cu[s - 1]}, cu[${s}] = ${cu[s]}`);
  }
  const rows = cu[cu.length - 1]!;
  expectDtype(label, { qkv: io.qkv, out: io.out }, 'f32');
  expectElements(label, 'qkv', io.qkv, rows * 3 * H * D);
  expectElements(label, 'out', io.out, rows * H * D);
  if (io.qkv.shape[io.qkv.shape.length - 1] !== 3 * H * D)
    throw new Error(
      `${label}: qkv (${io.qkv.label}) rows must be 3·${H}·${D} = ${3 * H * D} wide, shape is [${io.qkv.shape.join(', ')}]`,
    );

  const cuTensor = uploadTensor(ctx, `${label}.cu_seqlens`, 'i32', [cu.length], cu);
  const defines = { VISION: true, KV_F16: false };
  const pipeline = tiledPipeline(ctx, defines, H, 1, D);
  const params = tiledParams(ctx, label);
  params
    .setU32('rows', rows)
    .setU32('q_stride4', (3 * H * D) / 4)
    .setU32('o_stride4', (H * D) / 4)
    .setU32('n_seg', cu.length - 1)
    .setF32('scale', attentionScale(D))
    .write();
  const bindings = [io.qkv.buffer, cuTensor.buffer, io.out.buffer, params];
  return {
    rows,
    dispatches: [makeDispatch(ctx, label, pipeline, bindings, tiledGrid(ctx, rows, H, 1))],
    destroy() {
      params.destroy();
      cuTensor.buffer.destroy();
    },
  };
}
