// Split-K decode attention over the KV cache (shaders/attention_decode.wgsl + attention_combine.wgsl).
// One query row; (KV head × chunk of DECODE_CHUNK keys) workgroups, then one combine workgroup per query head, so
// an 11.5k-token context spreads over hundreds of workgroups. With `tap: true` the same dispatches also export
// the raw scores and the softmax normalisation for attention-tap.ts (the final layer only; plain layers pay nothing).
import type { GpuContext } from '../gpu/device';
import { deviceGrid, makeDispatch, Uniforms, type Dispatch, type KernelOp } from '../gpu/dispatch';
import { createTensor, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectInt } from './checks';
import type { KvCacheLayer } from './kv-cache';
import { expectRows, type RowView } from './row-view';
import { attentionScale, checkAttentionCache, checkTiledHeadDim } from './attention-tiled';

/** Keys per decode workgroup: 64 gives 4 KV heads × 188 chunks = 752 workgroups at 12k context for the 7B. */
export const DECODE_CHUNK = 64;
const MAX_GROUP = 8;

export interface AttentionDecodeConfig {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Export raw scores and (max, sum) per head for the attention tap. */
  readonly tap?: boolean;
}

/** Per-chunk partial results; one scratch can serve every layer (layers run one after another). */
export interface DecodeScratch {
  readonly heads: number;
  readonly headDim: number;
  readonly maxChunks: number;
  /** f32 [heads, maxChunks, headDim] */
  readonly partO: GpuTensor;
  /** f32 [heads, maxChunks, 2] = (chunk max, chunk sum) */
  readonly partMl: GpuTensor;
}

export function createDecodeScratch(
  ctx: GpuContext,
  label: string,
  heads: number,
  headDim: number,
  maxLen: number,
  pooled = false,
): DecodeScratch {
  const maxChunks = Math.ceil(maxLen / DECODE_CHUNK);
  return {
    heads,
    headDim,
    maxChunks,
    partO: createTensor(ctx, `${label}.part_o`, 'f32', [heads, maxChunks, headDim], 0, pooled),
    partMl: createTensor(ctx, `${label}.part_ml`, 'f32', [heads, maxChunks, 2], 0, pooled),
  };
}

export interface AttentionDecodeBindings {
  /** Rotated q rows (f32, heads·headDim per row; offset and stride multiples of 4); `set({ row })` picks one. */
  readonly q: RowView;
  readonly cache: KvCacheLayer;
  /** f32 output rows, heads·headDim per row; the same `row` is written. */
  readonly out: RowView;
  /** Shared partials (createDecodeScratch with maxLen ≥ the cache's); allocated privately when omitted. */
  readonly scratch?: DecodeScratch;
}

export interface AttentionDecode extends KernelOp {
  /** [split pass, combine pass], to be encoded in this order. */
  readonly dispatches: readonly Dispatch[];
  /** TAP only: f32 [heads, maxLen] scaled scores of the last step (keys < len valid). */
  readonly tapScores: GpuTensor | null;
  /** TAP only: f32 [heads, 2] = (max, Σ exp(s − max)) over all len keys of the last step. */
  readonly tapStats: GpuTensor | null;
  /** Context length `len` (keys [0, len), including the token just appended) and the q/out row (default 0). */
  set(step: { len: number; row?: number }): void;
}

export function attentionDecode(
  ctx: GpuContext,
  label: string,
  cfg: AttentionDecodeConfig,
  io: AttentionDecodeBindings,
): AttentionDecode {
  const { heads, kvHeads, headDim: D } = cfg;
  const tap = cfg.tap ?? false;
  checkTiledHeadDim(label, D);
  checkAttentionCache(label, io.cache, heads, kvHeads, D);
  const group = heads / kvHeads;
  if (group > MAX_GROUP)
    throw new Error(`${label}: ${group} query heads per KV head; the decode kernel supports up to ${MAX_GROUP}`);
  for (const [name, v] of [
    ['q', io.q],
    ['out', io.out],
  ] as const) {
    expectRows(label, name, v, 1, heads * D);
    if (v.offset % 4 || v.stride % 4)
      throw new Error(
        `${label}: ${name} view offset ${v.offset} and stride ${v.stride} must be multiples of 4 (vec4 access)`,
      );
  }
  const maxLen = io.cache.maxLen;
  const owned = !io.scratch;
  const scratch = io.scratch ?? createDecodeScratch(ctx, `${label}.scratch`, heads, D, maxLen);
  if (scratch.heads !== heads || scratch.headDim !== D || scratch.maxChunks * DECODE_CHUNK < maxLen) {
    throw new Error(
      `${label}: scratch is for ${scratch.heads} heads × ${scratch.headDim}, ${scratch.maxChunks * DECODE_CHUNK} keys; need ${heads} × ${D}, ${maxLen}`,
    );
  }
  const f16 = io.cache.dtype === 'f16';
  const split = kernelPipeline(
    ctx,
    'attention_decode.wgsl',
    { KV_F16: f16, TAP: tap },
    { HKV: kvHeads, G: group, D, CHUNK: DECODE_CHUNK },
  );
  const combine = kernelPipeline(ctx, 'attention_combine.wgsl', { TAP: tap }, { D });
  const tapScores = tap ? createTensor(ctx, `${label}.tap_scores`, 'f32', [heads, maxLen]) : null;
  const tapStats = tap ? createTensor(ctx, `${label}.tap_stats`, 'f32', [heads, 2]) : null;

  const splitParams = new Uniforms(ctx, `${label}.split.params`, ['len', 'q_off4', 'max_len', 'max_chunks', 'scale']);
  splitParams.setU32('max_len', maxLen).setU32('max_chunks', scratch.maxChunks).setF32('scale', attentionScale(D));
  const combineParams = new Uniforms(ctx, `${label}.combine.params`, ['len', 'o_off', 'max_chunks', 'chunk']);
  combineParams.setU32('max_chunks', scratch.maxChunks).setU32('chunk', DECODE_CHUNK);

  const splitBindings = [
    io.q.tensor.buffer,
    io.cache.k.buffer,
    io.cache.v.buffer,
    scratch.partO.buffer,
    scratch.partMl.buffer,
    splitParams,
  ];
  const combineBindings = [scratch.partO.buffer, scratch.partMl.buffer, io.out.tensor.buffer, combineParams];
  if (tapScores && tapStats) {
    splitBindings.push(tapScores.buffer);
    combineBindings.push(tapStats.buffer);
  }
  const splitGrid = deviceGrid(ctx, kvHeads * Math.ceil(maxLen / DECODE_CHUNK));
  const dispatches = [
    makeDispatch(ctx, `${label}.split`, split, splitBindings, splitGrid),
    makeDispatch(ctx, `${label}.combine`, combine, combineBindings, [heads, 1, 1]),
  ];
  const qRows = Math.floor((numelOf(io.q.tensor) - io.q.offset - heads * D) / io.q.stride) + 1;
  const outRows = Math.floor((numelOf(io.out.tensor) - io.out.offset - heads * D) / io.out.stride) + 1;
  return {
    dispatches,
    tapScores,
    tapStats,
    set(step) {
      const row = step.row ?? 0;
      expectInt(label, 'len', step.len, 1, maxLen);
      expectInt(label, 'row', row, 0, Math.min(qRows, outRows) - 1);
      splitParams
        .setU32('len', step.len)
        .setU32('q_off4', (io.q.offset + row * io.q.stride) / 4)
        .write();
      combineParams
        .setU32('len', step.len)
        .setU32('o_off', io.out.offset + row * io.out.stride)
        .write();
    },
    destroy() {
      splitParams.destroy();
      combineParams.destroy();
      tapScores?.buffer.destroy();
      tapStats?.buffer.destroy();
      if (owned) {
        scratch.partO.buffer.destroy();
        scratch.partMl.buffer.destroy();
      }
    },
  };
}

function numelOf(t: GpuTensor): number {
  return t.shape.reduce((a, b) => a * b, 1);
}
