// M-RoPE on q/k fused with the KV-cache append (shaders/rope_text.wgsl), docs/model.md §4.3.
import type { GpuContext } from '../gpu/device';
import { bindGroup, linearGrid, Uniforms, type Dispatch, type KernelOp } from '../gpu/dispatch';
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
  const params = new Uniforms(ctx, `${label}.params`, [
    'rows',
    'q_off',
    'q_stride',
    'k_off',
    'k_stride',
    'v_off',
    'v_stride',
    'pos_col0',
    'pos_stride',
    'cache_start',
    'max_len',
    'sec_t',
    'sec_th',
  ]);
  params
    .setU32('q_off', io.q.offset)
    .setU32('q_stride', io.q.stride)
    .setU32('k_off', io.k.offset)
    .setU32('k_stride', io.k.stride)
    .setU32('v_off', io.v.offset)
    .setU32('v_stride', io.v.stride)
    .setU32('pos_stride', posStride)
    .setU32('max_len', io.cache.maxLen)
    .setU32('sec_t', st)
    .setU32('sec_th', st + sh);
  const threads = maxRows * (heads + 2 * kvHeads) * (D / 4);
  const dispatch: Dispatch = {
    label,
    pipeline,
    bindGroup: bindGroup(ctx, pipeline, label, [
      io.q.tensor.buffer,
      io.k.tensor.buffer,
      io.v.tensor.buffer,
      io.positions.buffer,
      io.invFreq.buffer,
      io.qOut.buffer,
      io.cache.k.buffer,
      io.cache.v.buffer,
      params,
    ]),
    workgroups: linearGrid(Math.ceil(threads / WG), ctx.limits.maxComputeWorkgroupsPerDimension),
  };
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
