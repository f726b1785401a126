// GPU upload of tensors kept in their checkpoint float dtype ("dense": the vision tower, norms, biases, and
// every tensor in the unquantized parity mode). BF16 and F16 stay 16-bit (packed two per u32, ARCHITECTURE.md
// §3); F32 stays f32: we never narrow a weight the f32 reference keeps at full precision.
import type { GpuContext } from '../gpu/device';
import { createTensor, type DType, type GpuTensor } from '../gpu/tensor';
import type { Checkpoint } from './checkpoint';
import { planRowChunks, rowLayout, type RowChunk } from './chunks';
import { WeightsError } from './errors';
import { DTYPE_BYTES, type SafetensorsDType } from './safetensors';
import { DEFAULT_MAX_CHUNK_BYTES, type StreamOptions } from './tensor-stream';

export function gpuDtype(d: SafetensorsDType): DType {
  return d === 'BF16' ? 'bf16' : d === 'F16' ? 'f16' : 'f32';
}

export interface DensePart {
  /** First row of the whole tensor held by this part. */
  row0: number;
  rows: number;
  /** Shape [rows, ...shape.slice(1)] (a 1-D tensor's part is [rows]). */
  tensor: GpuTensor;
}

/** A tensor split by rows into buffers that each fit one storage binding (usually a single part). */
export interface DenseWeight {
  name: string;
  dtype: DType;
  shape: readonly number[];
  parts: DensePart[];
}

export interface UploadOptions extends StreamOptions {
  /** Largest part in bytes (default: the device's maxStorageBufferBindingSize, capped by maxBufferSize). */
  maxPartBytes?: number;
  /** Buffer label (default: the canonical name; parts get ".partN"). */
  label?: string;
}

/** A pre-allocated buffer holding rows [row0, row0 + rows) of a tensor, in the tensor's own dtype. */
export interface RowTarget {
  row0: number;
  rows: number;
  buffer: GPUBuffer;
}

/** Writes `bytes` holding rows [rowStart, rowStart + n) into whichever targets those rows belong to. */
export function writeRows(
  queue: GPUQueue,
  targets: readonly RowTarget[],
  rowBytes: number,
  rowStart: number,
  bytes: Uint8Array,
): void {
  const rowEnd = rowStart + bytes.byteLength / rowBytes;
  for (const p of targets) {
    const a = Math.max(rowStart, p.row0);
    const b = Math.min(rowEnd, p.row0 + p.rows);
    if (a >= b) continue;
    const src = bytes.subarray((a - rowStart) * rowBytes, (b - rowStart) * rowBytes);
    const dst = (a - p.row0) * rowBytes;
    if (src.byteLength % 4 === 0 && dst % 4 === 0) {
      queue.writeBuffer(p.buffer, dst, src as Uint8Array<ArrayBuffer>);
    } else if (dst % 4 === 0) {
      // Only a tensor's final bytes are unaligned when chunks and targets start on 4-byte boundaries.
      const padded = new Uint8Array(Math.ceil(src.byteLength / 4) * 4);
      padded.set(src);
      queue.writeBuffer(p.buffer, dst, padded);
    } else {
      throw new WeightsError(
        `${p.buffer.label}: rows start at byte ${dst}, not a multiple of 4; split targets at even rows for 2-byte rows`,
      );
    }
  }
}

export function planParts(
  ctx: GpuContext,
  name: string,
  shape: readonly number[],
  dtype: SafetensorsDType,
  maxPartBytes?: number,
): RowChunk[] {
  const layout = rowLayout(shape, DTYPE_BYTES[dtype]);
  const limit = maxPartBytes ?? Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const parts = planRowChunks(layout, limit, name);
  return parts.length ? parts : [{ rowStart: 0, rows: layout.rows, byteOffset: 0, byteLength: 0 }];
}

/** Keeps queued-but-unconsumed upload data bounded: wait for the queue after every `budget` bytes written. */
export class UploadPacer {
  private pending = 0;
  constructor(
    private readonly queue: GPUQueue,
    private readonly budget: number,
  ) {}

  async wrote(n: number): Promise<void> {
    this.pending += n;
    if (this.pending >= this.budget) {
      this.pending = 0;
      await this.queue.onSubmittedWorkDone();
    }
  }
}

/**
 * Streams a tensor into pre-allocated row-chunked buffers (e.g. the kernels' createW16Weight chunks), in its
 * checkpoint dtype. Targets must cover every row exactly once.
 */
export async function streamIntoRows(
  ctx: GpuContext,
  checkpoint: Checkpoint,
  name: string,
  targets: readonly RowTarget[],
  opts: StreamOptions = {},
): Promise<void> {
  const t = checkpoint.tensor(name);
  const { rows, rowBytes } = rowLayout(t.shape, DTYPE_BYTES[t.dtype]);
  const covered = [...targets]
    .sort((a, b) => a.row0 - b.row0)
    .reduce((next, p) => (p.row0 === next ? next + p.rows : -1), 0);
  if (covered !== rows) throw new WeightsError(`${name}: the target buffers do not cover rows 0..${rows} exactly once`);
  for (const p of targets) {
    if (p.buffer.size < p.rows * rowBytes)
      throw new WeightsError(
        `${name}: target ${p.buffer.label} has ${p.buffer.size} bytes, rows ${p.row0}..${p.row0 + p.rows} need ${p.rows * rowBytes}`,
      );
  }
  const pacer = new UploadPacer(ctx.device.queue, opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES);
  for await (const chunk of checkpoint.stream(name, opts)) {
    writeRows(ctx.device.queue, targets, rowBytes, chunk.rowStart, chunk.bytes);
    await pacer.wrote(chunk.bytes.byteLength);
  }
}

/** Allocates row parts that each fit one storage binding and streams the tensor into them. */
export async function uploadDenseParts(
  ctx: GpuContext,
  checkpoint: Checkpoint,
  name: string,
  opts: UploadOptions = {},
): Promise<DenseWeight> {
  const t = checkpoint.tensor(name);
  const dtype = gpuDtype(t.dtype);
  const plan = planParts(ctx, name, t.shape, t.dtype, opts.maxPartBytes);
  const label = opts.label ?? name;
  const parts: DensePart[] = [];
  try {
    for (const [i, p] of plan.entries()) {
      const shape = t.shape.length === 0 ? [1] : [p.rows, ...t.shape.slice(1)];
      parts.push({
        row0: p.rowStart,
        rows: p.rows,
        tensor: createTensor(ctx, plan.length === 1 ? label : `${label}.part${i}`, dtype, shape),
      });
    }
    await streamIntoRows(
      ctx,
      checkpoint,
      name,
      parts.map((p) => ({ row0: p.row0, rows: p.rows, buffer: p.tensor.buffer })),
      opts,
    );
  } catch (e) {
    for (const p of parts) p.tensor.buffer.destroy();
    throw e;
  }
  return { name, dtype, shape: t.shape, parts };
}

/**
 * Feeds a tensor through one reusable GPU staging tensor, chunk by chunk: each chunk's rows are written to the
 * start of `staging` (dtype = the checkpoint's, shape [rows that fit, rowElements]) and `consume(staging, rowStart,
 * rows)` is called, e.g. the q4 quantizer, which must submit its work before returning: the queue then orders the
 * next staging write after that work, so one buffer serves the whole tensor.
 */
export async function streamThroughStaging(
  ctx: GpuContext,
  checkpoint: Checkpoint,
  name: string,
  consume: (staging: GpuTensor, rowStart: number, rows: number) => void | Promise<void>,
  opts: StreamOptions = {},
): Promise<void> {
  const t = checkpoint.tensor(name);
  const { rows, rowBytes } = rowLayout(t.shape, DTYPE_BYTES[t.dtype]);
  const maxChunk = opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
  const plan = planRowChunks({ rows, rowBytes }, maxChunk, name);
  if (plan.length === 0) return;
  const stagingRows = Math.max(...plan.map((c) => c.rows));
  const elems = rowBytes / DTYPE_BYTES[t.dtype];
  const staging = createTensor(ctx, `${name}.staging`, gpuDtype(t.dtype), [stagingRows, elems]);
  const target = [{ row0: 0, rows: stagingRows, buffer: staging.buffer }];
  const pacer = new UploadPacer(ctx.device.queue, maxChunk);
  try {
    for await (const chunk of checkpoint.stream(name, { ...opts, maxChunkBytes: maxChunk })) {
      writeRows(ctx.device.queue, target, rowBytes, 0, chunk.bytes);
      await consume(staging, chunk.rowStart, chunk.rows);
      await pacer.wrote(chunk.bytes.byteLength);
    }
    await ctx.device.queue.onSubmittedWorkDone();
  } finally {
    staging.buffer.destroy();
  }
}

/** Uploads a tensor that must fit one storage binding (the vision tower, norms and biases always do). */
export async function uploadDense(
  ctx: GpuContext,
  checkpoint: Checkpoint,
  name: string,
  opts: Omit<UploadOptions, 'maxPartBytes'> = {},
): Promise<GpuTensor> {
  const t = checkpoint.tensor(name);
  const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  if (t.byteLength > limit) {
    throw new WeightsError(
      `${name}: ${t.byteLength} bytes exceed this GPU's binding limit ${limit}; use uploadDenseParts to split it by rows`,
    );
  }
  const w = await uploadDenseParts(ctx, checkpoint, name, { ...opts, maxPartBytes: Math.max(limit, 4) });
  return w.parts[0]!.tensor;
}
