// Shared pipeline/grid setup for shaders/attention_tiled.wgsl (prefill and vision attention wrappers).
import type { GpuContext } from '../gpu/device';
import { deviceGrid, Uniforms } from '../gpu/dispatch';
import { expectKvCache, type KvCacheLayer } from './kv-cache';
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

/** The parameter block of attention_tiled.wgsl (the same fields for prefill and vision attention). */
export function tiledParams(ctx: GpuContext, label: string): Uniforms {
  return new Uniforms(ctx, `${label}.params`, [
    'rows',
    'q_off4',
    'q_stride4',
    'o_off4',
    'o_stride4',
    'p0',
    'max_len',
    'n_seg',
    'scale',
  ]);
}

/** A KV cache that matches the attention's config: its shape, and query heads a whole multiple of its heads. */
export function checkAttentionCache(
  label: string,
  cache: KvCacheLayer,
  heads: number,
  kvHeads: number,
  headDim: number,
): void {
  expectKvCache(label, cache);
  if (cache.kvHeads !== kvHeads || cache.headDim !== headDim) {
    throw new Error(
      `${label}: cache ${cache.k.label} is ${cache.kvHeads} heads × ${cache.headDim}, config says ${kvHeads} × ${headDim}`,
    );
  }
  if (!Number.isInteger(heads) || heads < 1 || heads % kvHeads !== 0)
    throw new Error(`${label}: heads ${heads} is not a positive multiple of kvHeads ${kvHeads}`);
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
  return deviceGrid(ctx, Math.ceil((rows * group) / TILED_ROWS) * kvHeads);
}

/** softmax scale as torch applies it: the Python float head_dim ** -0.5, rounded to f32. */
export function attentionScale(headDim: number): number {
  return Math.fround(headDim ** -0.5);
}
