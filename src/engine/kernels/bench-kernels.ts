// Reference kernels for `npm run bench`: a plain copy (measured bandwidth) and a plain tiled f32 matmul (measured
// FLOP/s), run in the same session as the model so their ratios are meaningful (ARCHITECTURE.md §11).
// shaders/copy.wgsl, shaders/matmul_f32.wgsl.
import type { GpuContext } from '../gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { numel, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype } from './checks';

const COPY_WG = 256;
const TILE = 64;

/**
 * Copies `bytes` (a multiple of 16, within the binding limit) from src to dst. A bench counts 2 · bytes moved
 * per dispatch (one read, one write).
 */
export function copyBuffer(ctx: GpuContext, label: string, src: GPUBuffer, dst: GPUBuffer, bytes: number): KernelOp {
  if (!Number.isInteger(bytes) || bytes < 16 || bytes % 16 !== 0)
    throw new Error(`${label}: ${bytes} bytes must be a positive multiple of 16`);
  for (const b of [src, dst]) {
    if (b.size < bytes) throw new Error(`${label}: ${b.label} has ${b.size} bytes, need ${bytes}`);
  }
  if (bytes > ctx.limits.maxStorageBufferBindingSize)
    throw new Error(`${label}: ${bytes} bytes pass the binding limit ${ctx.limits.maxStorageBufferBindingSize}`);
  if (src === dst) throw new Error(`${label}: src and dst must differ`);
  const pipeline = kernelPipeline(ctx, 'copy.wgsl');
  const params = Uniforms.u32(ctx, `${label}.params`, { n4: bytes / 16 });
  const bindings = [{ buffer: src, size: bytes }, { buffer: dst, size: bytes }, params];
  const grid = deviceGrid(ctx, Math.ceil(bytes / 16 / COPY_WG));
  return kernelOp([makeDispatch(ctx, label, pipeline, bindings, grid, [params])]);
}

/** c[M, N] = a[M, K] · b[N, K]ᵀ in f32 (K % 4 == 0); 2·M·N·K FLOP. The same tile core as the model's matmuls. */
export function matmulF32(
  ctx: GpuContext,
  label: string,
  args: { a: GpuTensor; b: GpuTensor; c: GpuTensor; m: number; n: number; k: number },
): KernelOp {
  const { a, b, c, m, n, k } = args;
  expectDtype(label, { a, b, c }, 'f32');
  for (const [name, v] of Object.entries({ m, n, k })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${label}: ${name} ${v} must be a positive integer`);
  }
  if (k % 4 !== 0) throw new Error(`${label}: K = ${k} must be a multiple of 4`);
  for (const [name, t, need] of [
    ['a', a, m * k],
    ['b', b, n * k],
    ['c', c, m * n],
  ] as const) {
    if (numel(t.shape) < need)
      throw new Error(`${label}: ${name} (${t.label}) has ${numel(t.shape)} elements, need ${need}`);
  }
  const maxDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  const grid = [Math.ceil(n / TILE), Math.ceil(m / TILE), 1] as const;
  if (grid[0] > maxDim || grid[1] > maxDim)
    throw new Error(`${label}: ${m}×${n} needs a ${grid[0]}×${grid[1]} tile grid, over ${maxDim} per dimension`);
  const defines = { HAS_BIAS: false, BIAS_F32: false, BIAS_BF16: false };
  const pipeline = kernelPipeline(ctx, 'matmul_f32.wgsl', defines);
  const params = new Uniforms(ctx, `${label}.params`, ['m', 'k', 'n', 'n0', 'rows', 'x_row0'])
    .setU32('m', m)
    .setU32('k', k)
    .setU32('n', n)
    .setU32('n0', 0)
    .setU32('rows', n)
    .setU32('x_row0', 0)
    .write();
  return kernelOp([makeDispatch(ctx, label, pipeline, [a.buffer, b.buffer, c.buffer, params], grid, [params])]);
}
