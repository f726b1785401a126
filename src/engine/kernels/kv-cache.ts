// One layer's KV cache: K and V each [Hkv][maxLen][D], f32 (parity) or f16 packed two per u32 (half the memory;
// see ARCHITECTURE.md §9 for the measured accuracy cost). Rows hold already-rotated keys (RoPE is applied once,
// by ropeTextKvAppend, when a token is appended).
import type { GpuContext } from '../gpu/device';
import { createTensor, type GpuTensor } from '../gpu/tensor';
import { expectInt } from './checks';

export type KvDtype = 'f32' | 'f16';

export interface KvCacheShape {
  readonly kvHeads: number;
  readonly headDim: number;
  readonly maxLen: number;
  readonly dtype: KvDtype;
}

export interface KvCacheLayer extends KvCacheShape {
  /** [kvHeads, maxLen, headDim] */
  readonly k: GpuTensor;
  readonly v: GpuTensor;
}

/** `pooled`: the buffers come from ctx.pool (free them with freeTensor). */
export function createKvCacheLayer(ctx: GpuContext, label: string, shape: KvCacheShape, pooled = false): KvCacheLayer {
  checkKvShape(label, shape);
  const dims = [shape.kvHeads, shape.maxLen, shape.headDim];
  return {
    ...shape,
    k: createTensor(ctx, `${label}.k_cache`, shape.dtype, dims, 0, pooled),
    v: createTensor(ctx, `${label}.v_cache`, shape.dtype, dims, 0, pooled),
  };
}

/** Bytes for K and V of one layer. */
export function kvCacheLayerBytes(shape: KvCacheShape): number {
  return 2 * shape.kvHeads * shape.maxLen * shape.headDim * (shape.dtype === 'f16' ? 2 : 4);
}

export function checkKvShape(kernel: string, s: KvCacheShape): void {
  expectInt(kernel, 'kvHeads', s.kvHeads, 1);
  expectInt(kernel, 'maxLen', s.maxLen, 1);
  expectInt(kernel, 'headDim', s.headDim, 4);
  if (s.headDim % 4 !== 0)
    throw new Error(`${kernel}: headDim ${s.headDim} must be a multiple of 4 (RoPE quads, packed f16 words)`);
}

/** Validates that a cache layer's tensors have the shape and dtype they claim. */
export function expectKvCache(kernel: string, cache: KvCacheLayer): void {
  checkKvShape(kernel, cache);
  for (const t of [cache.k, cache.v]) {
    const want = [cache.kvHeads, cache.maxLen, cache.headDim];
    if (t.dtype !== cache.dtype || t.shape.length !== 3 || t.shape.some((d, i) => d !== want[i])) {
      throw new Error(
        `${kernel}: cache tensor ${t.label} is ${t.dtype} [${t.shape.join(', ')}], expected ${cache.dtype} [${want.join(', ')}]`,
      );
    }
  }
}
