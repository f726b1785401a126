// M-RoPE on q/k fused with the KV-cache append (shaders/rope_text.wgsl), docs/model.md §4.3.
import type { GpuContext } from '../gpu/device';
import { deviceGrid, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import type { GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype, expectElements, expectInt, expectShape } from './checks';
import { expectKvCache, type KvCacheLayer } from './kv-cache';
import { expectRows, type RowView } from './row-view';

const WG = 64;

export interface RopeTextConfig {
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** mrope_section from config.json (t, h, w frequencies; sums to headDim/2), e.g. [16, 24, 24]. */
  readonly mropeSection: readonly [number, number, number];
  /** Largest `rows` any call will use (the dispatch grid is sized for it). */
  readonly maxRows: number;
}

export interface RopeTextBindings {
  /** Projection outputs, `maxRows` rows each: q is heads·headDim wide, k and v kvHeads·headDim (see row-view.ts). */
  readonly q: RowView;
  readonly k: RowView;
  readonly v: RowView;
  /** i32 [3, P]: rows t, h, w of the position ids (from get_rope_index, or n + rope_delta when decoding). */
  readonly positions: GpuTensor;
  /** f32 [headDim/2] from ropeInvFreqTensor(theta, headDim). */
  readonly invFreq: GpuTensor;
  /** f32 [maxRows, heads·headDim] (or [maxRows, heads, headDim]): rotated q, dense, for the attention kernels. */
  readonly qOut: GpuTensor;
  readonly cache: KvCacheLayer;
}

export interface RopeTextStep {
  /** Token rows in this call (≤ maxRows). */
  readonly rows: number;
  /** Cache row receiving token row 0 (= number of tokens already cached). */
  readonly cacheStart: number;
  /** Column of `positions` holding token row 0. */
  readonly posColumn: number;
}

export interface RopeTextKvAppend extends KernelOp {
  /** Queues this call's values; they apply to every later submit, so use one step per submit. */
  set(step: RopeTextStep): void;
}

export function ropeTextKvAppend(
  ctx: GpuContext,
  label: string,
  cfg: RopeTextConfig,
  io: RopeTextBindings,
): RopeTextKvAppend {
  const { heads, kvHeads, headDim: D, maxRows } = cfg;
  expectInt(label, 'heads', heads, 1);
  expectInt(label, 'maxRows', maxRows, 1);
  expectKvCache(label, io.cache);
  if (io.cache.kvHeads !== kvHeads || io.cache.headDim !== D) {
    throw new Error(
      `${label}: cache ${io.cache.k.label} is ${io.cache.kvHeads} heads × ${io.cache.headDim}, config says ${kvHeads} × ${D}`,
    );
  }
  if (heads % kvHeads !== 0) throw new Error(`${label}: heads ${heads} is not a multiple of kvHeads ${kvHeads}`);
  const [st, sh, sw] = cfg.mropeSection;
  if (![st, sh, sw].every((s) => Number.isInteger(s) && s >= 0) || st + sh + sw !== D / 2) {
    throw new Error(
      `${label}: mropeSection [${cfg.mropeSection.join(', ')}] must be non-negative integers summing to headDim/2 = ${D / 2}`,
    );
  }
  expectRows(label, 'q', io.q, maxRows, heads * D);
  expectRows(label, 'k', io.k, maxRows, kvHeads * D);
  expectRows(label, 'v', io.v, maxRows, kvHeads * D);
  expectDtype(label, { positions: io.positions }, 'i32');
  if (io.positions.shape.length !== 2 || io.positions.shape[0] !== 3) {
    throw new Error(
      `${label}: positions (${io.positions.label}) has shape [${io.positions.shape.join(', ')}], expected [3, P]`,
    );
  }
  const posStride = io.positions.shape[1]!;
  expectDtype(label, { invFreq: io.invFreq, qOut: io.qOut }, 'f32');
  expectShape(label, 'invFreq', io.invFreq, [D / 2]);
  expectElements(label, 'qOut', io.qOut, maxRows * heads * D);

  const f16 = io.cache.dtype === 'f16';
  const pipeline = kernelPipeline(ctx, 'rope_text.wgsl', { KV_F16: f16 }, { HQ: heads, HKV: kvHeads, D, WG });
  // rows, cache_start and pos_col0 are the step's (set).
  const params = Uniforms.u32(ctx, `${label}.params`, {
    rows: 0,
    q_off: io.q.offset,
    q_stride: io.q.stride,
    k_off: io.k.offset,
    k_stride: io.k.stride,
    v_off: io.v.offset,
    v_stride: io.v.stride,
    pos_col0: 0,
    pos_stride: posStride,
    cache_start: 0,
    max_len: io.cache.maxLen,
    sec_t: st,
    sec_th: st + sh,
  });
  const threads = maxRows * (heads + 2 * kvHeads) * (D / 4);
  const bindings = [io.q.tensor, io.k.tensor, io.v.tensor, io.positions, io.invFreq, io.qOut, io.cache.k, io.cache.v];
  const grid = deviceGrid(ctx, Math.ceil(threads / WG));
  const dispatch = makeDispatch(ctx, label, pipeline, [...bindings.map((t) => t.buffer), params], grid);
  return {
    dispatches: [dispatch],
    set(step) {
      expectInt(label, 'rows', step.rows, 1, maxRows);
      expectInt(label, 'cacheStart', step.cacheStart, 0, io.cache.maxLen - step.rows);
      expectInt(label, 'posColumn', step.posColumn, 0, posStride - step.rows);
      params
        .setU32('rows', step.rows)
        .setU32('cache_start', step.cacheStart)
        .setU32('pos_col0', step.posColumn)
        .write();
    },
    destroy: () => params.destroy(),
  };
}
