// Device setup: one GpuContext per engine, owning the device, its limits and the pipeline cache.
// We ask for the adapter's largest buffers (7B tensors are far past the 128 MiB default) but keep
// workgroup memory and invocations at the portable defaults so a kernel that would break on Apple
// (16 KiB of workgroup memory) breaks here too.
import { PipelineCache } from './pipelines';
import { UniformArena } from './uniform-arena';
import { BufferPool } from './buffer-pool';

export type GpuUnavailableReason = 'no-webgpu' | 'no-adapter' | 'device-failed' | 'limits';

export class GpuUnavailableError extends Error {
  constructor(
    readonly reason: GpuUnavailableReason,
    message: string,
  ) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

export interface AcquireOptions {
  label?: string;
  powerPreference?: GPUPowerPreference;
  /**
   * 'max' (default) requests the adapter's largest buffer and binding sizes; 'default' keeps WebGPU's
   * defaults (128 MiB bindings), which tests use to exercise the binding-limit split paths.
   */
  bufferLimits?: 'max' | 'default';
  /** Features to leave off even if the adapter has them (tests of the fallback paths). */
  disableFeatures?: readonly OptionalFeature[];
}

export type OptionalFeature = 'shader-f16' | 'subgroups' | 'timestamp-query';
const OPTIONAL_FEATURES: readonly OptionalFeature[] = ['shader-f16', 'subgroups', 'timestamp-query'];

/** Portable ceilings we never exceed even when the adapter offers more (see file header). */
export const PORTABLE_WORKGROUP_STORAGE = 16384;
export const PORTABLE_INVOCATIONS = 256;

export interface GpuFeatures {
  shaderF16: boolean;
  subgroups: boolean;
  /** The `subgroup_id` / `num_subgroups` builtins (subgroups plus the WGSL language feature `subgroup_id`). */
  subgroupId: boolean;
  timestampQuery: boolean;
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapterDescription: string;
  readonly features: GpuFeatures;
  /** Subgroup size range reported by the adapter (never assume one size: 4 on SwiftShader, 32/64 elsewhere). */
  readonly subgroupSize: { min: number; max: number } | null;
  readonly limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxStorageBuffersPerShaderStage: number;
    minStorageBufferOffsetAlignment: number;
    minUniformBufferOffsetAlignment: number;
  };
  readonly pipelines: PipelineCache;
  /** Parameter blocks of every kernel (see uniform-arena.ts). */
  readonly uniforms: UniformArena;
  /** Per-run buffers (KV cache, activations) reused across runs (see buffer-pool.ts). */
  readonly pool: BufferPool;
  /** Validation and out-of-memory errors seen by the device (uncaptured); tests assert this stays empty. */
  readonly errors: string[];
  readonly lost: Promise<GPUDeviceLostInfo>;
}

export async function acquireGpu(gpu: GPU | undefined, options: AcquireOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuUnavailableError(
      'no-webgpu',
      'This browser has no WebGPU (navigator.gpu is missing). Use a current Chrome or Edge (113+) on desktop; ' +
        'on Linux start Chrome with --enable-unsafe-webgpu, or use Safari 26 / Firefox 141+ where WebGPU is enabled.',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new GpuUnavailableError(
      'no-adapter',
      'WebGPU is present but no GPU adapter is available. Check that hardware acceleration is enabled ' +
        '(chrome://settings/system) and that your GPU is not blocklisted (chrome://gpu).',
    );
  }
  const disabled = new Set(options.disableFeatures ?? []);
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !disabled.has(f));

  const a = adapter.limits;
  const wantMax = (options.bufferLimits ?? 'max') === 'max';
  const requiredLimits: Record<string, number> = {
    maxComputeWorkgroupStorageSize: Math.min(a.maxComputeWorkgroupStorageSize, PORTABLE_WORKGROUP_STORAGE),
    maxComputeInvocationsPerWorkgroup: Math.min(a.maxComputeInvocationsPerWorkgroup, PORTABLE_INVOCATIONS),
    maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
  };
  if (wantMax) {
    requiredLimits.maxBufferSize = a.maxBufferSize;
    requiredLimits.maxStorageBufferBindingSize = a.maxStorageBufferBindingSize;
  }

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: options.label ?? 'video-r2',
      requiredFeatures,
      requiredLimits,
    });
  } catch (e) {
    throw new GpuUnavailableError('device-failed', `The GPU refused to create a device: ${String(e)}`);
  }

  const errors: string[] = [];
  device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    errors.push(err.message);
  });

  const info = adapter.info;
  const subMin = (info as { subgroupMinSize?: number }).subgroupMinSize;
  const subMax = (info as { subgroupMaxSize?: number }).subgroupMaxSize;
  const d = device.limits;
  return {
    device,
    adapterDescription:
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter',
    features: {
      shaderF16: device.features.has('shader-f16'),
      subgroups: device.features.has('subgroups'),
      subgroupId: device.features.has('subgroups') && Boolean(gpu.wgslLanguageFeatures?.has('subgroup_id')),
      timestampQuery: device.features.has('timestamp-query'),
    },
    subgroupSize: device.features.has('subgroups') && subMin && subMax ? { min: subMin, max: subMax } : null,
    limits: {
      maxBufferSize: d.maxBufferSize,
      maxStorageBufferBindingSize: d.maxStorageBufferBindingSize,
      maxComputeWorkgroupsPerDimension: d.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupStorageSize: d.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: d.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: d.maxStorageBuffersPerShaderStage,
      minStorageBufferOffsetAlignment: d.minStorageBufferOffsetAlignment,
      minUniformBufferOffsetAlignment: d.minUniformBufferOffsetAlignment,
    },
    pipelines: new PipelineCache(device),
    uniforms: new UniformArena(device, d.minUniformBufferOffsetAlignment),
    pool: new BufferPool(device),
    errors,
    lost: device.lost,
  };
}

/**
 * Whether `ctx`'s device has been lost. WebGPU has no synchronous lost state, and a lost device turns most calls
 * into silent no-ops, so after a failure we ask: a 4-byte map either succeeds (alive) or is refused (lost), and a
 * refusal is followed by `device.lost` resolving, which we wait for so its handlers have run when this returns.
 */
export async function deviceLost(ctx: GpuContext): Promise<boolean> {
  let probe: GPUBuffer;
  try {
    probe = ctx.device.createBuffer({ label: 'lost-probe', size: 4, usage: GPUBufferUsage.MAP_READ });
  } catch {
    await ctx.lost;
    return true;
  }
  const mapped = probe.mapAsync(GPUMapMode.READ).then(
    () => false,
    () => true,
  );
  const lost = await Promise.race([ctx.lost.then(() => true), mapped]);
  probe.destroy();
  if (lost) await ctx.lost;
  return lost;
}

export class GpuOutOfMemoryError extends Error {
  override name = 'GpuOutOfMemoryError';
}

/**
 * Runs `fn` inside out-of-memory and validation error scopes. WebGPU reports a failed allocation asynchronously,
 * not by throwing, so without this an out-of-memory load would go on computing with invalid buffers; here it becomes
 * an exception that names the stage. Callers must not run other GPU work concurrently (the worker serialises).
 */
export async function guardGpu<T>(ctx: GpuContext, what: string, fn: () => Promise<T>): Promise<T> {
  ctx.device.pushErrorScope('validation');
  ctx.device.pushErrorScope('out-of-memory');
  let result: T | undefined;
  let thrown: unknown;
  let failed = false;
  try {
    result = await fn();
  } catch (e) {
    thrown = e;
    failed = true;
  }
  const oom = await ctx.device.popErrorScope();
  const invalid = await ctx.device.popErrorScope();
  if (oom) throw new GpuOutOfMemoryError(`${what}: the GPU ran out of memory (${oom.message})`);
  if (failed) throw thrown;
  if (invalid) throw new Error(`${what}: ${invalid.message}`);
  return result as T;
}
