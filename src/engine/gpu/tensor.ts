// GPU tensors: a labelled buffer with a dtype and a shape. 16-bit dtypes are packed two per u32
// (element i lives in word i >> 1, low half first), read in WGSL with unpack2x16float or a bf16 shift.
import { f16BitsToF32 } from '../../lib/f16';
import type { GpuContext } from './device';

export type DType = 'f32' | 'f16' | 'bf16' | 'u32' | 'i32';

export interface GpuTensor {
  readonly buffer: GPUBuffer;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly label: string;
  /** The buffer belongs to ctx.pool (free it with freeTensor). */
  readonly pooled?: boolean;
}

/** Read lazily: the GPUBufferUsage global exists only once WebGPU is present. */
export const storageUsage = (): number => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes a tensor of this dtype and element count occupies (16-bit packed, rounded up to 4 bytes). */
export function byteSize(dtype: DType, elements: number): number {
  const raw = dtype === 'f16' || dtype === 'bf16' ? elements * 2 : elements * 4;
  return Math.max(4, Math.ceil(raw / 4) * 4);
}

/** Creates a tensor; with `pooled`, its buffer comes from (and goes back to, via freeTensor) ctx.pool. */
export function createTensor(
  ctx: GpuContext,
  label: string,
  dtype: DType,
  shape: readonly number[],
  extraUsage = 0,
  pooled = false,
): GpuTensor {
  const size = byteSize(dtype, numel(shape));
  if (size > ctx.limits.maxBufferSize) {
    throw new Error(
      `${label}: ${shape.join('×')} ${dtype} needs ${size} bytes, over this GPU's maxBufferSize ${ctx.limits.maxBufferSize}`,
    );
  }
  const usage = storageUsage() | extraUsage;
  const buffer = pooled ? ctx.pool.acquire(label, size, usage) : ctx.device.createBuffer({ label, size, usage });
  return { buffer, dtype, shape: [...shape], label, pooled };
}

/** Gives a pooled tensor's buffer back to the pool, or destroys an unpooled one. */
export function freeTensor(ctx: GpuContext, t: GpuTensor): void {
  if (t.pooled) ctx.pool.release(t.buffer);
  else t.buffer.destroy();
}

type HostArray = Float32Array | Uint32Array | Int32Array | Uint16Array;

/** Creates a tensor and fills it from host memory (16-bit dtypes take the raw u16 bits). */
export function uploadTensor(
  ctx: GpuContext,
  label: string,
  dtype: DType,
  shape: readonly number[],
  data: HostArray,
): GpuTensor {
  const n = numel(shape);
  if (data.length !== n)
    throw new Error(`${label}: shape ${shape.join('×')} has ${n} elements, data has ${data.length}`);
  const expected =
    dtype === 'f16' || dtype === 'bf16'
      ? Uint16Array
      : dtype === 'f32'
        ? Float32Array
        : dtype === 'u32'
          ? Uint32Array
          : Int32Array;
  if (!(data instanceof expected)) throw new Error(`${label}: ${dtype} data must be a ${expected.name}`);
  const t = createTensor(ctx, label, dtype, shape);
  writeHost(ctx, t.buffer, 0, data);
  return t;
}

/** queue.writeBuffer with the 4-byte padding WebGPU requires for odd-length 16-bit data. */
export function writeHost(ctx: GpuContext, buffer: GPUBuffer, byteOffset: number, data: HostArray): void {
  if (data.byteLength % 4 === 0) {
    ctx.device.queue.writeBuffer(buffer, byteOffset, data.buffer, data.byteOffset, data.byteLength);
    return;
  }
  const padded = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
  padded.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  ctx.device.queue.writeBuffer(buffer, byteOffset, padded);
}

/** Reads a buffer range back to the host (tests, taps and the sampled id; never on a hot path per kernel). */
export async function readBuffer(
  ctx: GpuContext,
  buffer: GPUBuffer,
  byteOffset = 0,
  byteLength = buffer.size - byteOffset,
): Promise<ArrayBuffer> {
  const size = Math.ceil(byteLength / 4) * 4;
  const staging = ctx.device.createBuffer({
    label: `${buffer.label}.readback`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = ctx.device.createCommandEncoder({ label: `${buffer.label}.readback` });
  enc.copyBufferToBuffer(buffer, byteOffset, staging, 0, size);
  ctx.device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return out;
}

/** Reads a tensor as f32 values (16-bit dtypes are widened exactly). */
export async function readTensorF32(ctx: GpuContext, t: GpuTensor): Promise<Float32Array> {
  const n = numel(t.shape);
  const bytes = await readBuffer(ctx, t.buffer, 0, byteSize(t.dtype, n));
  if (t.dtype === 'f32') return new Float32Array(bytes, 0, n);
  if (t.dtype === 'bf16') {
    const u16 = new Uint16Array(bytes, 0, n);
    const u32 = new Uint32Array(n);
    for (let i = 0; i < n; i++) u32[i] = u16[i]! << 16;
    return new Float32Array(u32.buffer);
  }
  if (t.dtype === 'f16') {
    const u16 = new Uint16Array(bytes, 0, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = f16BitsToF32(u16[i]!);
    return out;
  }
  throw new Error(`${t.label}: readTensorF32 of ${t.dtype}; use readBuffer`);
}
