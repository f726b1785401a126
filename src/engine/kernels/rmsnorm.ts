// RMSNorm and the fused residual-add + RMSNorm (shaders/rmsnorm.wgsl).
import type { GpuContext } from '../gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { numel, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype } from './checks';

export interface RmsNormArgs {
  /** f32 [≥ m, K] rows to normalise. */
  x: GpuTensor;
  /** Norm weight [K]: bf16, f16 or f32. */
  weight: GpuTensor;
  /** f32 [≥ m, K] output; a different buffer from x. */
  y: GpuTensor;
  m: number;
  eps: number;
}

export interface RmsNormResidualArgs extends Omit<RmsNormArgs, 'x'> {
  /** The f32 residual stream [≥ m, K]; updated in place to h + delta. */
  h: GpuTensor;
  /** f32 [≥ m, K] added to h first (e.g. the attention output). */
  delta: GpuTensor;
}

/** y = x / sqrt(mean(x²) + eps) · w per row. */
export function rmsnorm(ctx: GpuContext, label: string, args: RmsNormArgs): KernelOp {
  return build(ctx, label, args.x, undefined, args);
}

/** h += delta; y = rmsnorm(h) per row (decode's residual add fused with the next norm). */
export function rmsnormResidual(ctx: GpuContext, label: string, args: RmsNormResidualArgs): KernelOp {
  return build(ctx, label, args.h, args.delta, args);
}

function build(
  ctx: GpuContext,
  label: string,
  x: GpuTensor,
  delta: GpuTensor | undefined,
  args: Omit<RmsNormArgs, 'x'>,
): KernelOp {
  const { weight, y, m, eps } = args;
  const k = numel(weight.shape);
  expectDtype(label, delta ? { h: x, delta, y } : { x, y }, 'f32');
  expectDtype(label, { weight }, 'bf16', 'f16', 'f32');
  if (k % 4 !== 0) throw new Error(`${label}: K = ${k} must be a multiple of 4`);
  if (!Number.isInteger(m) || m < 1) throw new Error(`${label}: m ${m} must be a positive integer`);
  if (!(eps >= 0)) throw new Error(`${label}: eps ${eps} must be non-negative`);
  for (const [name, t] of Object.entries(delta ? { h: x, delta, y } : { x, y })) {
    if (t.shape.length >= 2 && t.shape[t.shape.length - 1] !== k)
      throw new Error(`${label}: ${name} (${t.label}) has shape [${t.shape.join(', ')}], expected rows of K = ${k}`);
    if (numel(t.shape) < m * k)
      throw new Error(`${label}: ${name} (${t.label}) has ${numel(t.shape)} elements, need ${m} rows of ${k}`);
  }
  if (y.buffer === x.buffer || y.buffer === delta?.buffer)
    throw new Error(`${label}: y (${y.label}) must not alias the input`);
  const defines = { RESIDUAL: Boolean(delta), W_F32: weight.dtype === 'f32', W_BF16: weight.dtype === 'bf16' };
  const pipeline = kernelPipeline(ctx, 'rmsnorm.wgsl', defines);
  const params = new Uniforms(ctx, `${label}.params`, ['k4', 'eps', 'rows'])
    .setU32('k4', k / 4)
    .setF32('eps', eps)
    .setU32('rows', m)
    .write();
  const resources = [x.buffer, weight.buffer, y.buffer, params, ...(delta ? [delta.buffer] : [])];
  return kernelOp([makeDispatch(ctx, label, pipeline, resources, deviceGrid(ctx, m), [params])]);
}
