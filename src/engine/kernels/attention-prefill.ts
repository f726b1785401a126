// Causal GQA prefill attention over the KV cache (shaders/attention_tiled.wgsl, cache mode).
// Queries are token rows [p0, p0 + rows) of the sequence (their K/V already appended by ropeTextKvAppend);
// row i attends to cache rows [0, p0 + i], so a prompt can be prefilled in chunks.
import type { GpuContext } from '../gpu/device';
import { makeDispatch, type KernelOp } from '../gpu/dispatch';
import { expectInt } from './checks';
import type { KvCacheLayer } from './kv-cache';
import { expectRows, type RowView } from './row-view';
import {
  attentionScale,
  checkAttentionCache,
  checkTiledHeadDim,
  tiledGrid,
  tiledParams,
  tiledPipeline,
} from './attention-tiled';

export interface AttentionPrefillConfig {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Largest `rows` of any call (grid size). */
  readonly maxRows: number;
}

export interface AttentionPrefillBindings {
  /** Rotated q, f32, heads·headDim per row (ropeTextKvAppend's qOut); offset and stride multiples of 4. */
  readonly q: RowView;
  readonly cache: KvCacheLayer;
  /** f32 output, heads·headDim per row (head h at columns h·headDim…), the o_proj input; multiples of 4. */
  readonly out: RowView;
}

export interface AttentionPrefill extends KernelOp {
  /** rows ≤ maxRows query rows whose first row is cache row `cacheStart` (queued; one step per submit). */
  set(step: { rows: number; cacheStart: number }): void;
}

export function attentionPrefill(
  ctx: GpuContext,
  label: string,
  cfg: AttentionPrefillConfig,
  io: AttentionPrefillBindings,
): AttentionPrefill {
  const { heads, kvHeads, headDim: D, maxRows } = cfg;
  checkTiledHeadDim(label, D);
  expectInt(label, 'maxRows', maxRows, 1);
  checkAttentionCache(label, io.cache, heads, kvHeads, D);
  for (const [name, v] of [
    ['q', io.q],
    ['out', io.out],
  ] as const) {
    expectRows(label, name, v, maxRows, heads * D);
    if (v.offset % 4 || v.stride % 4)
      throw new Error(
        `${label}: ${name} view offset ${v.offset} and stride ${v.stride} must be multiples of 4 (vec4 access)`,
      );
  }
  if (io.q.tensor.buffer === io.out.tensor.buffer) throw new Error(`${label}: q and out must be different buffers`);
  const group = heads / kvHeads;
  const f16 = io.cache.dtype === 'f16';
  const defines = { VISION: false, KV_F16: f16 };
  const pipeline = tiledPipeline(ctx, defines, kvHeads, group, D);
  const params = tiledParams(ctx, label);
  params
    .setU32('q_off4', io.q.offset / 4)
    .setU32('q_stride4', io.q.stride / 4)
    .setU32('o_off4', io.out.offset / 4)
    .setU32('o_stride4', io.out.stride / 4)
    .setU32('max_len', io.cache.maxLen)
    .setF32('scale', attentionScale(D));
  const bindings = [io.q.tensor.buffer, io.cache.k.buffer, io.out.tensor.buffer, params, io.cache.v.buffer];
  return {
    dispatches: [makeDispatch(ctx, label, pipeline, bindings, tiledGrid(ctx, maxRows, kvHeads, group))],
    set(step) {
      expectInt(label, 'rows', step.rows, 1, maxRows);
      expectInt(label, 'cacheStart', step.cacheStart, 0, io.cache.maxLen - step.rows);
      params.setU32('rows', step.rows).setU32('p0', step.cacheStart).write();
    },
    destroy: () => params.destroy(),
  };
}
