// Shared pipeline/grid setup for shaders/attention_tiled.wgsl (prefill and vision attention wrappers).
import type { GpuContext } from '../gpu/device';
import { linearGrid } from '../gpu/dispatch';
import { kernelPipeline } from './shader-source';

/** Query rows (row × head-in-group) per workgroup and the head-dim limits of the kernel. */
export const TILED_ROWS = 32;
export const TILED_MAX_DIM = 128;

export function checkTiledHeadDim(kernel: string, headDim: number): void {
  if (!Number.isInteger(headDim) || headDim < 16 || headDim > TILED_MAX_DIM || headDim % 16 !== 0) {
    throw new Error(
      `${kernel}: headDim ${headDim} must be a multiple of 16 in [16, ${TILED_MAX_DIM}] (4 lanes × vec4 slices)`,
    );
  }
}

export function tiledPipeline(
  ctx: GpuContext,
  defines: { VISION: boolean; KV_F16: boolean },
  kvHeads: number,
  group: number,
  headDim: number,
): GPUComputePipeline {
  return kernelPipeline(ctx, 'attention_tiled.wgsl', defines, { HKV: kvHeads, G: group, D: headDim });
}

/** One workgroup per (KV head, block of TILED_ROWS flattened query rows). */
export function tiledGrid(ctx: GpuContext, rows: number, kvHeads: number, group: number): [number, number, number] {
  return linearGrid(Math.ceil((rows * group) / TILED_ROWS) * kvHeads, ctx.limits.maxComputeWorkgroupsPerDimension);
}

/** softmax scale as torch applies it: the Python float head_dim ** -0.5, rounded to f32. */
export function attentionScale(headDim: number): number {
  return Math.fround(headDim ** -0.5);
}
