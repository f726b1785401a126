// Test-only helpers for the linear kernels: upload host weights, run a linear, compare with the f64 reference.
// (Imported by *.gpu.test.ts only; not part of the engine's runtime surface.)
import { expect } from 'vitest';
import type { GpuContext } from '../engine/gpu/device';
import { runOps } from '../engine/gpu/dispatch';
import { createTensor, readBuffer, uploadTensor, type GpuTensor } from '../engine/gpu/tensor';
import {
  dequantRows,
  randomF32,
  randomQuantHost,
  f32To16Bits,
  linearRef,
  widen16,
  worstLinearError,
  type Dtype16,
  type QuantHost,
} from './cpu/linalg';
import { linear, type LinearArgs } from '../engine/kernels/linear';
import {
  createQuantWeight,
  createW16Weight,
  quantRowBytes,
  writeQuantRows,
  writeW16Rows,
  type ChunkOptions,
  type QuantKind,
  type QuantWeight,
  type W16Weight,
} from '../engine/kernels/weight-chunks';

/** f32 accumulation error bound used by every linear test, relative to Σ|x·w| + |b| of the output (see the report). */
export const LINEAR_TOL = 1e-5;

/** Allocates a quantized weight and uploads host codes and scales into it, chunk by chunk. */
export function uploadQuant<K extends QuantKind>(
  ctx: GpuContext,
  kind: K,
  label: string,
  host: Pick<QuantHost, 'qweight' | 'scales'>,
  rows: number,
  cols: number,
  options?: ChunkOptions,
): QuantWeight<K> {
  const w = createQuantWeight(ctx, kind, label, rows, cols, options);
  const words = quantRowBytes(kind, cols).qweight / 4;
  for (const c of w.chunks) {
    const codes = host.qweight.subarray(c.row0 * words, (c.row0 + c.rows) * words);
    writeQuantRows(ctx, w, c.row0, codes, host.scales.subarray((c.row0 * cols) / 32, ((c.row0 + c.rows) * cols) / 32));
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

/** The reference case for outputs `cols` of x[m, k] times a quantized weight given by its host codes. */
export function quantCase(
  kind: QuantKind,
  host: Pick<QuantHost, 'qweight' | 'scales'>,
  k: number,
  xHost: Float32Array,
  m: number,
  cols: readonly number[],
  biasValues?: Float32Array,
): LinearCase {
  return { xHost, m, wRows: dequantRows(kind, host, k, cols), cols, biasValues };
}

/**
 * A seeded random quantized weight [n, k] on the GPU (`${label}.w`) and a random f32 input x [xRows, k]
 * (`${label}.x`, seed + 1), with the reference case of m rows for outputs `cols` (default: all of them).
 */
export function randomQuantLinear<K extends QuantKind>(
  ctx: GpuContext,
  kind: K,
  label: string,
  [n, k]: [number, number],
  { seed, xRows = 1, chunks }: { seed: number; xRows?: number; chunks?: ChunkOptions },
) {
  const host = randomQuantHost(kind, n, k, seed);
  const w = uploadQuant(ctx, kind, `${label}.w`, host, n, k, chunks);
  const xHost = randomF32(xRows * k, seed + 1);
  const x = uploadTensor(ctx, `${label}.x`, 'f32', [xRows, k], xHost);
  const refCase = (m: number, biasValues?: Float32Array, cols: readonly number[] = spread(n)): LinearCase =>
    quantCase(kind, host, k, xHost, m, cols, biasValues);
  return { host, w, x, xHost, refCase };
}
