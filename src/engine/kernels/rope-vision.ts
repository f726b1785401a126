// 2-D vision RoPE in place on the qkv buffer (shaders/rope_vision.wgsl), docs/model.md §3.3.
import type { GpuContext } from '../gpu/device';
import { deviceGrid, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import type { GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype, expectInt, expectShape } from './checks';

const WG = 64;

export interface RopeVisionConfig {
  readonly heads: number;
  readonly headDim: number;
  /** Rows the dispatch covers (N patches of the largest video). */
  readonly maxRows: number;
}

export interface RopeVisionBindings {
  /** f32 [maxRows, 3·heads·headDim] = [q | k | v], rows in window order; q and k are rotated in place. */
  readonly qkv: GpuTensor;
  /** i32 [maxRows, 2]: (hp, wp) patch coordinates of each row, in the same (window) order; model/qwen2_5_vl/vision-layout.ts `rotaryCoords`. */
  readonly coords: GpuTensor;
  /** f32 [headDim/4] from ropeInvFreqTensor(10000, headDim/2). */
  readonly invFreq: GpuTensor;
}

export interface RopeVision extends KernelOp {
  /** Rows actually present (≤ maxRows); queued for later submits. */
  set(step: { rows: number }): void;
}

export function ropeVision(ctx: GpuContext, label: string, cfg: RopeVisionConfig, io: RopeVisionBindings): RopeVision {
  const { heads: H, headDim: D, maxRows } = cfg;
  expectInt(label, 'heads', H, 1);
  expectInt(label, 'maxRows', maxRows, 1);
  if (!Number.isInteger(D) || D < 4 || D % 4 !== 0)
    throw new Error(`${label}: headDim ${D} must be a positive multiple of 4`);
  expectDtype(label, { qkv: io.qkv, invFreq: io.invFreq }, 'f32');
  expectDtype(label, { coords: io.coords }, 'i32');
  expectShape(label, 'qkv', io.qkv, [maxRows, 3 * H * D]);
  expectShape(label, 'coords', io.coords, [maxRows, 2]);
  expectShape(label, 'invFreq', io.invFreq, [D / 4]);
  const pipeline = kernelPipeline(ctx, 'rope_vision.wgsl', {}, { H, D, WG });
  const params = Uniforms.u32(ctx, `${label}.params`, { rows: maxRows });
  const bindings = [io.qkv.buffer, io.coords.buffer, io.invFreq.buffer, params];
  const grid = deviceGrid(ctx, Math.ceil((maxRows * 2 * H * (D / 4)) / WG));
  return {
    dispatches: [makeDispatch(ctx, label, pipeline, bindings, grid)],
    set({ rows }) {
      expectInt(label, 'rows', rows, 1, maxRows);
      params.setU32('rows', rows).write();
    },
    destroy: () => params.destroy(),
  };
}
