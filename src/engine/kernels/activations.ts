// Elementwise activations: SwiGLU (text and vision MLPs) and exact-erf GELU (vision merger).
// shaders/swiglu.wgsl, shaders/gelu.wgsl.
import type { GpuContext } from '../gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { numel, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { expectDtype } from './checks';
import type { RowView } from './row-view';

const WG = 256;

export interface SwigluArgs {
  /** Gate rows: element (r, i) at `offset + r * stride + i` of the view's tensor. */
  gate: RowView;
  up: RowView;
  /** f32 [≥ m, cols], a different buffer from gate and up. */
  out: GpuTensor;
  m: number;
  /** I, the intermediate size. */
  cols: number;
}

/** out = silu(gate) · up over [m, cols], with gate and up given as row views (offsets and strides % 4 == 0). */
export function swiglu(ctx: GpuContext, label: string, args: SwigluArgs): KernelOp {
  const { gate, up, out, m, cols } = args;
  expectDtype(label, { gate: gate.tensor, up: up.tensor, out }, 'f32');
  if (!Number.isInteger(m) || m < 1 || !Number.isInteger(cols) || cols < 1)
    throw new Error(`${label}: m ${m} and cols ${cols} must be positive integers`);
  if (cols % 4 !== 0) throw new Error(`${label}: cols ${cols} must be a multiple of 4`);
  for (const [name, v] of Object.entries({ gate, up })) {
    if (v.offset % 4 !== 0 || v.stride % 4 !== 0 || v.offset < 0 || v.stride < cols) {
      throw new Error(
        `${label}: ${name} view (offset ${v.offset}, stride ${v.stride}) needs multiples of 4 and stride ≥ cols ${cols}`,
      );
    }
    const need = v.offset + (m - 1) * v.stride + cols;
    if (numel(v.tensor.shape) < need)
      throw new Error(`${label}: ${name} (${v.tensor.label}) has ${numel(v.tensor.shape)} elements, need ${need}`);
  }
  if (numel(out.shape) < m * cols)
    throw new Error(`${label}: out (${out.label}) has ${numel(out.shape)} elements, need ${m * cols}`);
  if (out.buffer === gate.tensor.buffer || out.buffer === up.tensor.buffer)
    throw new Error(`${label}: out (${out.label}) must not alias gate or up`);
  const pipeline = kernelPipeline(ctx, 'swiglu.wgsl');
  const params = Uniforms.u32(ctx, `${label}.params`, {
    m,
    i4: cols / 4,
    gate_off4: gate.offset / 4,
    gate_stride4: gate.stride / 4,
    up_off4: up.offset / 4,
    up_stride4: up.stride / 4,
  });
  const bindings = [gate.tensor.buffer, up.tensor.buffer, out.buffer, params];
  const grid = deviceGrid(ctx, Math.ceil((m * cols) / 4 / WG));
  return kernelOp([makeDispatch(ctx, label, pipeline, bindings, grid, [params])]);
}

/** SwiGLU of a fused gate/up projection output [m, 2·cols] laid out as [gate | up] per row. */
export function swigluFused(
  ctx: GpuContext,
  label: string,
  args: { gateUp: GpuTensor; out: GpuTensor; m: number; cols: number },
): KernelOp {
  const { gateUp, cols } = args;
  return swiglu(ctx, label, {
    gate: { tensor: gateUp, offset: 0, stride: 2 * cols },
    up: { tensor: gateUp, offset: cols, stride: 2 * cols },
    out: args.out,
    m: args.m,
    cols,
  });
}

/** Exact GELU over the first n values (n % 4 == 0) of x, into out, or in place when out is omitted. */
export function gelu(ctx: GpuContext, label: string, args: { x: GpuTensor; out?: GpuTensor; n: number }): KernelOp {
  const { x, out, n } = args;
  expectDtype(label, out ? { x, out } : { x }, 'f32');
  if (!Number.isInteger(n) || n < 1 || n % 4 !== 0)
    throw new Error(`${label}: n ${n} must be a positive multiple of 4`);
  for (const t of out ? [x, out] : [x]) {
    if (numel(t.shape) < n) throw new Error(`${label}: ${t.label} has ${numel(t.shape)} elements, need ${n}`);
  }
  if (out && out.buffer === x.buffer)
    throw new Error(`${label}: for in-place GELU omit out instead of passing x (${x.label}) twice`);
  const pipeline = kernelPipeline(ctx, 'gelu.wgsl', { IN_PLACE: !out });
  const params = Uniforms.u32(ctx, `${label}.params`, { n4: n / 4 });
  const bindings = [x.buffer, params, ...(out ? [out.buffer] : [])];
  return kernelOp([makeDispatch(ctx, label, pipeline, bindings, deviceGrid(ctx, Math.ceil(n / 4 / WG)), [params])]);
}
