// GPU-side helpers for the attention kernel tests: KV caches filled from host arrays, f16 rounding.
import type { GpuContext } from '../engine/gpu/device';
import { writeHost } from '../engine/gpu/tensor';
import { f16BitsToF32 } from '../lib/f16';
import type { KvCacheLayer } from '../engine/kernels/kv-cache';
import { f32ToF16Bits } from './cpu/linalg';

export { f32ToF16Bits };

/** Rounds every value to the nearest f16 (what an f16 cache stores). */
export function roundF16(a: Float32Array): Float32Array {
  return a.map((x) => f16BitsToF32(f32ToF16Bits(x)));
}

/**
 * Writes K and V given as [kvHeads][len][D] into cache rows [0, len) (other rows keep their contents).
 * For an f16 cache the values are rounded first; returns the values the cache now holds, as f32.
 */
export function fillKvCache(
  ctx: GpuContext,
  cache: KvCacheLayer,
  k: Float32Array,
  v: Float32Array,
  len: number,
): { k: Float32Array; v: Float32Array } {
  const { kvHeads: K, headDim: D, maxLen } = cache;
  if (k.length !== K * len * D || v.length !== K * len * D)
    throw new Error(`fillKvCache: expected ${K}×${len}×${D} values`);
  const held = { k: cache.dtype === 'f16' ? roundF16(k) : k, v: cache.dtype === 'f16' ? roundF16(v) : v };
  for (const [t, src] of [
    [cache.k, held.k],
    [cache.v, held.v],
  ] as const) {
    for (let h = 0; h < K; h++) {
      const rows = src.subarray(h * len * D, (h + 1) * len * D);
      const data = cache.dtype === 'f16' ? Uint16Array.from(rows, f32ToF16Bits) : rows;
      const elemBytes = cache.dtype === 'f16' ? 2 : 4;
      writeHost(ctx, t.buffer, h * maxLen * D * elemBytes, data);
    }
  }
  return held;
}
