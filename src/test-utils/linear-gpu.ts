// Test-only helpers for the linear kernels: upload host weights, run a linear, compare with the f64 reference.
// (Imported by *.gpu.test.ts only; not part of the engine's runtime surface.)
import { expect } from 'vitest';
import type { GpuContext } from '../engine/gpu/device';
import { runOps } from '../engine/gpu/dispatch';
import { createTensor, readBuffer, uploadTensor, type GpuTensor } from '../engine/gpu/tensor';
import {
  dequantQ4Rows,
  f32To16Bits,
  linearRef,
  widen16,
  worstLinearError,
  type Dtype16,
  type Q4Host,
} from './cpu/linalg';
import { linear, type LinearArgs } from '../engine/kernels/linear';
import {
  createQ4Weight,
  createW16Weight,
  writeQ4Rows,
  writeW16Rows,
  type ChunkOptions,
  type Q4Weight,
  type W16Weight,
} from '../engine/kernels/weight-chunks';
import { createQ8Weight, writeQ8Rows, type Q8Weight } from '../engine/kernels/q8-weight';
import type { Q8Host } from './cpu/q8';

/** f32 accumulation error bound used by every linear test, relative to Σ|x·w| + |b| of the output (see the report). */
export const LINEAR_TOL = 1e-5;

export function uploadQ4(
  ctx: GpuContext,
  label: string,
  host: Pick<Q4Host, 'qweight' | 'scales'>,
  rows: number,
  cols: number,
  options?: ChunkOptions,
): Q4Weight {
  const w = createQ4Weight(ctx, label, rows, cols, options);
  for (const c of w.chunks) {
    writeQ4Rows(
      ctx,
      w,
      c.row0,
      host.qweight.subarray((c.row0 * cols) / 8, ((c.row0 + c.rows) * cols) / 8),
      host.scales.subarray((c.row0 * cols) / 32, ((c.row0 + c.rows) * cols) / 32),
    );
  }
  return w;
}

export function uploadQ8(
  ctx: GpuContext,
  label: string,
  host: Pick<Q8Host, 'qweight' | 'scales'>,
  rows: number,
  cols: number,
  options?: ChunkOptions,
): Q8Weight {
  const w = createQ8Weight(ctx, label, rows, cols, options);
  for (const c of w.chunks) {
    const words = host.qweight.subarray((c.row0 * cols) / 4, ((c.row0 + c.rows) * cols) / 4);
    writeQ8Rows(ctx, w, c.row0, words, host.scales.subarray((c.row0 * cols) / 32, ((c.row0 + c.rows) * cols) / 32));
  }
  return w;
}

export function uploadW16(
  ctx: GpuContext,
  label: string,
  dtype: Dtype16,
  bits: Uint16Array,
  rows: number,
  cols: number,
  options?: ChunkOptions,
): W16Weight {
  const w = createW16Weight(ctx, label, dtype, rows, cols, options);
  writeW16Rows(ctx, w, 0, bits);
  return w;
}

/** A bias tensor of the given dtype and the f32 values the GPU will read from it. */
export function makeBias(
  ctx: GpuContext,
  label: string,
  dtype: 'f32' | Dtype16,
  values: Float32Array,
): { tensor: GpuTensor; values: Float32Array } {
  if (dtype === 'f32') return { tensor: uploadTensor(ctx, label, 'f32', [values.length], values), values };
  const bits = Uint16Array.from(values, (v) => f32To16Bits(dtype, v));
  return { tensor: uploadTensor(ctx, label, dtype, [values.length], bits), values: widen16(dtype, bits) };
}

export interface LinearCase {
  /** x rows as uploaded (includes rows before xRowOffset). */
  xHost: Float32Array;
  m: number;
  /** Reference weights of the sampled output columns, stacked [cols.length, K]. */
  wRows: Float32Array;
  /** Output columns to compare (all of them for small shapes). */
  cols: readonly number[];
  biasValues?: Float32Array;
}

/** Runs `linear` into a fresh y and checks the sampled columns of every row against the f64 reference. */
export async function runAndCheckLinear(
  ctx: GpuContext,
  label: string,
  args: Omit<LinearArgs, 'y'>,
  c: LinearCase,
): Promise<number> {
  const n = 'kind' in args.weight ? args.weight.rows : args.weight.shape[0]!;
  const k = 'kind' in args.weight ? args.weight.cols : args.weight.shape[1]!;
  const y = createTensor(ctx, `${label}.y`, 'f32', [c.m, n]);
  runOps(ctx, [linear(ctx, label, { ...args, y })], label);
  const got = new Float32Array(await readBuffer(ctx, y.buffer));
  y.buffer.destroy();
  const x0 = (args.xRowOffset ?? 0) * k;
  const bias = c.biasValues ? Float32Array.from(c.cols, (j) => c.biasValues![j]!) : undefined;
  const ref = linearRef(c.xHost.subarray(x0, x0 + c.m * k), c.m, k, c.wRows, c.cols.length, bias);
  const sampled = new Float32Array(c.m * c.cols.length);
  for (let i = 0; i < c.m; i++) c.cols.forEach((j, t) => (sampled[i * c.cols.length + t] = got[i * n + j]!));
  const { err, at } = worstLinearError(sampled, ref);
  expect(err, `${label}: worst relative error at output ${at}`).toBeLessThanOrEqual(LINEAR_TOL);
  expect(ctx.errors).toEqual([]);
  return err;
}

/** All indices 0..n-1, or an even spread of `count` including the first and last. */
export function spread(n: number, count = n): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.round((i * (n - 1)) / (count - 1)));
}

export function q4Case(
  host: Pick<Q4Host, 'qweight' | 'scales'>,
  k: number,
  xHost: Float32Array,
  m: number,
  cols: readonly number[],
  biasValues?: Float32Array,
): LinearCase {
  return { xHost, m, wRows: dequantQ4Rows(host, k, cols), cols, biasValues };
}
