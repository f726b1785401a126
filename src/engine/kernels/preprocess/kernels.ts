// Dispatch builders for shaders/preprocess/resize_h.wgsl and resize_v.wgsl: shape checks, pipeline keys, grids.
// Per-frame values (the source band, the temporal slot) are queued with the returned op's `set`.
import type { GpuContext } from '../../gpu/device';
import { deviceGrid, makeDispatch, Uniforms, type KernelOp } from '../../gpu/dispatch';
import type { GpuTensor } from '../../gpu/tensor';
import type { ResizeTaps } from './resize-weights';
import { expectDtype, expectShape } from '../checks';
import { kernelPipeline } from '../shader-source';

/** Workgroup tiles (pipeline constants). resize_h stages ROWS·H_CHUNK u32 = 12 KiB of workgroup memory. */
const TILE_X = 64;
const ROWS = 4;
const H_CHUNK = 768;

export interface HorizontalPass extends KernelOp {
  /** Which rows of the frame `src` holds for the next submit. */
  set(step: { bandRow0: number; bandRows: number }): void;
}

/** Tap tables as the passes read them: (first, count) pairs, and the weights tap-major for the width pass
 * (consecutive invocations read consecutive words) or output-major for the height pass (one row's weights are a
 * broadcast). */
export function tapTableData(
  taps: ResizeTaps,
  pass: 'width' | 'height',
): { pairs: Uint32Array; weights: Float32Array; weightShape: [number, number] } {
  const n = taps.outSize;
  const pairs = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = taps.start[i]!;
    pairs[2 * i + 1] = taps.count[i]!;
  }
  if (pass === 'height') return { pairs, weights: taps.weights, weightShape: [n, taps.stride] };
  const weights = new Float32Array(n * taps.stride);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < taps.stride; j++) weights[j * n + i] = taps.weights[i * taps.stride + j]!;
  return { pairs, weights, weightShape: [taps.stride, n] };
}

/**
 * Width pass: `src` u32 [bandRows, srcW] RGBA8 rows → `inter` f32 [3, srcH, outW] (rows band_row0.. written).
 * `taps` u32 [outW, 2] and `weights` f32 [stride, outW] come from tapTableData(resizeTaps(srcW, outW), 'width').
 */
export function resizeHorizontal(
  ctx: GpuContext,
  label: string,
  t: { src: GpuTensor; taps: GpuTensor; weights: GpuTensor; inter: GpuTensor },
): HorizontalPass {
  const kernel = `${label} (resize_h)`;
  expectDtype(kernel, { src: t.src, taps: t.taps }, 'u32');
  expectDtype(kernel, { weights: t.weights, inter: t.inter }, 'f32');
  const [bandRows, srcW] = t.src.shape as [number, number];
  const [, srcH, outW] = t.inter.shape as [number, number, number];
  const stride = t.weights.shape[0]!;
  expectShape(kernel, 'taps', t.taps, [outW, 2]);
  expectShape(kernel, 'weights', t.weights, [stride, outW]);
  expectShape(kernel, 'inter', t.inter, [3, srcH, outW]);
  if (t.src.shape.length !== 2 || bandRows < 1 || bandRows > srcH) {
    throw new Error(
      `${kernel}: src (${t.src.label}) has shape [${t.src.shape.join(', ')}], expected [1..${srcH}, srcW]`,
    );
  }
  const pipeline = kernelPipeline(ctx, 'preprocess/resize_h.wgsl', {}, { TILE_X, ROWS, CHUNK: H_CHUNK });
  const tilesX = Math.ceil(outW / TILE_X);
  const params = Uniforms.u32(ctx, `${label}.params`, {
    src_w: srcW,
    src_h: srcH,
    out_w: outW,
    band_row0: 0,
    band_rows: bandRows,
    tiles_x: tilesX,
  });
  const bindings = [t.src.buffer, t.taps.buffer, t.weights.buffer, t.inter.buffer, params];
  return {
    dispatches: [makeDispatch(ctx, label, pipeline, bindings, deviceGrid(ctx, tilesX * Math.ceil(bandRows / ROWS)))],
    set: (step) => params.setU32('band_row0', step.bandRow0).setU32('band_rows', step.bandRows).write(),
    destroy: () => params.destroy(),
  };
}

export interface PatchLayout {
  readonly patchSize: number;
  readonly mergeSize: number;
  readonly temporalPatchSize: number;
}

export interface VerticalPass extends KernelOp {
  /** rowBase: first pixel row of the frame's temporal patch inside `pixels`; ttMask: the temporal slots it fills. */
  set(step: { rowBase: number; ttMask: number }): void;
}

/**
 * Height pass + uint8 + normalise + patchify: `inter` f32 [3, srcH, outW] → `resized` u32 [outH, outW] and the
 * frame's columns of `pixels` f32 [rows, 3·temporal·patch²]. `taps`/`weights` come from
 * tapTableData(resizeTaps(srcH, outH), 'height');
 * `lut` f32 [256, 4] from normalizeLut.
 */
export function resizeVerticalPatchify(
  ctx: GpuContext,
  label: string,
  t: { inter: GpuTensor; taps: GpuTensor; weights: GpuTensor; lut: GpuTensor; resized: GpuTensor; pixels: GpuTensor },
  layout: PatchLayout,
): VerticalPass {
  const kernel = `${label} (resize_v)`;
  expectDtype(kernel, { taps: t.taps, resized: t.resized }, 'u32');
  expectDtype(kernel, { inter: t.inter, weights: t.weights, lut: t.lut, pixels: t.pixels }, 'f32');
  const [outH, outW] = t.resized.shape as [number, number];
  const [, srcH] = t.inter.shape as [number, number, number];
  const stride = t.weights.shape[1]!;
  const { patchSize: p, mergeSize: m, temporalPatchSize: tp } = layout;
  const unit = p * m;
  if (outH % unit !== 0 || outW % unit !== 0) {
    throw new Error(`${kernel}: resized ${outH}×${outW} is not a multiple of patch·merge = ${unit} on both sides`);
  }
  expectShape(kernel, 'inter', t.inter, [3, srcH, outW]);
  expectShape(kernel, 'taps', t.taps, [outH, 2]);
  expectShape(kernel, 'weights', t.weights, [outH, stride]);
  expectShape(kernel, 'lut', t.lut, [256, 4]);
  const rowLen = 3 * tp * p * p;
  const rowsPerFrame = (outH / p) * (outW / p);
  if (t.pixels.shape.length !== 2 || t.pixels.shape[1] !== rowLen || t.pixels.shape[0]! < rowsPerFrame) {
    throw new Error(
      `${kernel}: pixels (${t.pixels.label}) has shape [${t.pixels.shape.join(', ')}], expected [≥ ${rowsPerFrame}, ${rowLen}]`,
    );
  }
  const pipeline = kernelPipeline(
    ctx,
    'preprocess/resize_v.wgsl',
    {},
    { TILE_X, ROWS, PATCH: p, MERGE: m, TEMPORAL: tp },
  );
  const tilesX = Math.ceil(outW / TILE_X);
  const params = Uniforms.u32(ctx, `${label}.params`, {
    out_w: outW,
    out_h: outH,
    src_h: srcH,
    stride,
    tiles_x: tilesX,
    row_base: 0,
    tt_mask: 1,
  });
  const bindings = [t.inter.buffer, t.taps.buffer, t.weights.buffer, t.lut.buffer, t.resized.buffer, t.pixels.buffer];
  return {
    dispatches: [
      makeDispatch(ctx, label, pipeline, [...bindings, params], deviceGrid(ctx, tilesX * Math.ceil(outH / ROWS))),
    ],
    set: (step) => params.setU32('row_base', step.rowBase).setU32('tt_mask', step.ttMask).write(),
    destroy: () => params.destroy(),
  };
}
