// Recorded kernel launches. Kernel wrappers build Dispatches once (pipeline, bind group, grid), and the
// model encodes them in order; per-step values live in uniform buffers the dispatches already reference.
import type { GpuContext } from './device';
import type { UniformSlot } from './uniform-arena';

export interface Dispatch {
  readonly label: string;
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
  /** Parameter blocks only this dispatch uses; `releaseDispatches` returns them to the arena. */
  readonly uniforms?: readonly Uniforms[];
}

/**
 * A dispatch of `pipeline` with `resources` bound in order (group 0, labelled like the dispatch); `uniforms` are
 * the parameter blocks only it uses (see `Dispatch.uniforms`).
 */
export function makeDispatch(
  ctx: GpuContext,
  label: string,
  pipeline: GPUComputePipeline,
  resources: readonly (GPUBuffer | BufferBinding | Uniforms)[],
  workgroups: readonly [number, number, number],
  uniforms?: readonly Uniforms[],
): Dispatch {
  return { label, pipeline, bindGroup: bindGroup(ctx, pipeline, label, resources), workgroups, uniforms };
}

/** `linearGrid` within the device's per-dimension workgroup limit. */
export function deviceGrid(ctx: GpuContext, count: number): [number, number, number] {
  return linearGrid(count, ctx.limits.maxComputeWorkgroupsPerDimension);
}

/** Frees what the dispatches own (their uniform slots), once they will never be encoded again. */
export function releaseDispatches(dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) for (const u of d.uniforms ?? []) u.destroy();
}

/**
 * What every kernel wrapper returns: the dispatches to encode, in order, and `destroy` for what it owns. Kernels
 * whose uniforms change per step (rows, cache position, sampler step, tap slot) extend it with `set(step)`, which
 * queues the values for the next submit.
 */
export interface KernelOp {
  readonly dispatches: readonly Dispatch[];
  /** Frees the op's uniforms and buffers (idempotent); its dispatches must not be encoded again. */
  destroy(): void;
}

/** A KernelOp over `dispatches` whose destroy releases their uniforms and then runs `free` (owned buffers). */
export function kernelOp(dispatches: readonly Dispatch[], free?: () => void): KernelOp {
  return {
    dispatches,
    destroy() {
      releaseDispatches(dispatches);
      free?.();
    },
  };
}

/** Every dispatch of the ops, in order. */
export function opDispatches(ops: readonly KernelOp[]): Dispatch[] {
  return ops.flatMap((o) => o.dispatches);
}

export function destroyOps(ops: readonly KernelOp[]): void {
  for (const o of ops) o.destroy();
}

/** Encodes the ops' dispatches into one compute pass. */
export function encodeOps(encoder: GPUCommandEncoder, ops: readonly KernelOp[], label = 'compute'): void {
  encodeDispatches(encoder, opDispatches(ops), label);
}

/** Encodes and submits the ops in one command buffer. */
export function runOps(ctx: GpuContext, ops: readonly KernelOp[], label = 'compute'): void {
  runDispatches(ctx, opDispatches(ops), label);
}

/** Encodes dispatches into one compute pass. */
export function encodeDispatches(encoder: GPUCommandEncoder, dispatches: readonly Dispatch[], label = 'compute'): void {
  const pass = encoder.beginComputePass({ label });
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
  pass.end();
}

/** Encodes and submits dispatches in one command buffer. */
export function runDispatches(ctx: GpuContext, dispatches: readonly Dispatch[], label = 'compute'): void {
  const enc = ctx.device.createCommandEncoder({ label });
  encodeDispatches(enc, dispatches, label);
  ctx.device.queue.submit([enc.finish()]);
}

/**
 * Lays `count` workgroups out on x (and y when x would pass the per-dimension limit, e.g. the
 * 152064-row lm_head). Shaders recover the linear id as `wid.x + wid.y * num_workgroups.x` and must
 * return when it is >= count, because x * y may exceed count.
 */
export function linearGrid(count: number, maxPerDim: number): [number, number, number] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`linearGrid: workgroup count ${count} must be a positive integer`);
  if (count <= maxPerDim) return [count, 1, 1];
  const y = Math.ceil(count / maxPerDim);
  if (y > maxPerDim) throw new Error(`linearGrid: ${count} workgroups exceed ${maxPerDim}² per dispatch`);
  return [Math.ceil(count / y), y, 1];
}

export interface BufferBinding {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

/** Bind group for group 0 with bindings numbered in array order; labels follow the dispatch. */
export function bindGroup(
  ctx: GpuContext,
  pipeline: GPUComputePipeline,
  label: string,
  resources: readonly (GPUBuffer | BufferBinding | Uniforms)[],
): GPUBindGroup {
  return ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: resources.map((r, binding) => {
      if (r instanceof Uniforms)
        return { binding, resource: { buffer: r.slot.buffer, offset: r.slot.offset, size: r.slot.size } };
      return {
        binding,
        resource: 'buffer' in r ? { buffer: r.buffer, offset: r.offset ?? 0, size: r.size } : { buffer: r },
      };
    }),
  });
}

/**
 * A kernel's parameter block of u32/i32/f32 fields (a WGSL struct of 4-byte scalars), in a slot of the
 * context's uniform arena; written at build time or per step with `write`, freed with `destroy`.
 */
export class Uniforms {
  readonly slot: UniformSlot;
  private readonly data: ArrayBuffer;
  private readonly u32: Uint32Array;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private released = false;

  constructor(
    private readonly ctx: GpuContext,
    readonly label: string,
    readonly fields: readonly string[],
  ) {
    const bytes = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
    this.data = new ArrayBuffer(bytes);
    this.u32 = new Uint32Array(this.data);
    this.f32 = new Float32Array(this.data);
    this.i32 = new Int32Array(this.data);
    this.slot = ctx.uniforms.alloc(bytes);
  }

  /** A block of u32 fields named, ordered and valued by `values` (the WGSL struct's order), already written. */
  static u32(ctx: GpuContext, label: string, values: Readonly<Record<string, number>>): Uniforms {
    const u = new Uniforms(ctx, label, Object.keys(values));
    for (const [name, v] of Object.entries(values)) u.setU32(name, v);
    return u.write();
  }

  private index(name: string): number {
    const i = this.fields.indexOf(name);
    if (i < 0) throw new Error(`${this.label}: no uniform field "${name}"`);
    return i;
  }

  setU32(name: string, v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${this.label}.${name}: ${v} is not a u32`);
    this.u32[this.index(name)] = v;
    return this;
  }

  setI32(name: string, v: number): this {
    this.i32[this.index(name)] = v;
    return this;
  }

  setF32(name: string, v: number): this {
    this.f32[this.index(name)] = v;
    return this;
  }

  /** Queues the current values (ordered before any later submit on the same queue). */
  write(): this {
    if (this.released) throw new Error(`${this.label}: written after destroy()`);
    this.ctx.device.queue.writeBuffer(this.slot.buffer, this.slot.offset, this.data);
    return this;
  }

  /** Returns the slot to the arena (idempotent). The dispatches that bound it must not be encoded again. */
  destroy(): void {
    if (this.released) return;
    this.released = true;
    this.ctx.uniforms.release(this.slot);
  }
}
