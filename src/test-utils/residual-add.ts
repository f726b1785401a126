// Residual add (shaders/residual.wgsl).
import type { GpuContext } from '../engine/gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../engine/gpu/dispatch';
import { numel, type GpuTensor } from '../engine/gpu/tensor';
import { kernelPipeline } from '../engine/kernels/shader-source';
import { expectDtype } from '../engine/kernels/checks';

const WG = 256;

export function residualAdd(
  ctx: GpuContext,
  label: string,
  a: GpuTensor,
  b: GpuTensor,
  out: GpuTensor,
  n = numel(a.shape),
): KernelOp {
  expectDtype(label, { a, b, out }, 'f32');
  for (const [name, t] of Object.entries({ a, b, out })) {
    if (numel(t.shape) < n) throw new Error(`${label}: ${name} (${t.label}) has ${numel(t.shape)} elements, need ${n}`);
  }
  const pipeline = kernelPipeline(ctx, 'residual.wgsl', {}, { WG });
  const params = new Uniforms(ctx, `${label}.params`, ['n']).setU32('n', n).write();
  return kernelOp([
    makeDispatch(ctx, label, pipeline, [a.buffer, b.buffer, out.buffer, params], deviceGrid(ctx, Math.ceil(n / WG)), [
      params,
    ]),
  ]);
}
