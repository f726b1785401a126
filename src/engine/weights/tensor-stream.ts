// Streams one tensor's bytes in row-aligned chunks of at most maxChunkBytes. At most 1 + prefetch chunks of
// the tensor are alive in JS at a time (the one handed out, and the reads in flight) provided the consumer
// drops each chunk before asking for the next. Chunks are fresh buffers (byteOffset 0) of whole rows.
import { f16BitsToF32 } from '../../lib/f16';
import { planRowChunks, rowLayout } from './chunks';
import type { StoredTensor } from './checklist';
import type { LoadProgress } from './progress';
import { DTYPE_BYTES, type SafetensorsDType } from './safetensors';
import type { WeightSource } from './source';

export const DEFAULT_MAX_CHUNK_BYTES = 32 * 1024 * 1024;

export interface StreamOptions {
  /** Upper bound on one chunk (default 32 MiB). */
  maxChunkBytes?: number;
  /** Chunks read ahead while the consumer works on the current one (default 1; 0 = strictly one at a time). */
  prefetch?: number;
  signal?: AbortSignal;
  /** Only rows [start, end) (a part being resumed or repaired); default all rows. */
  rows?: readonly [number, number];
}

export interface TensorChunk {
  /** Canonical tensor name. */
  name: string;
  dtype: SafetensorsDType;
  shape: readonly number[];
  /** The tensor viewed as [totalRows, rowElements]: shape[0] rows (1-D tensors: one element per row). */
  totalRows: number;
  rowElements: number;
  rowStart: number;
  rows: number;
  /** Exactly rows × rowElements little-endian elements of `dtype`. */
  bytes: Uint8Array;
}

/** A chunk's values as f32 (bf16/f16 widened exactly; an F32 chunk is viewed in place, not copied). */
export function chunkF32(c: TensorChunk): Float32Array {
  const n = c.rows * c.rowElements;
  if (c.dtype === 'F32') return new Float32Array(c.bytes.buffer, c.bytes.byteOffset, n);
  const u16 = new Uint16Array(c.bytes.buffer, c.bytes.byteOffset, n);
  const out = new Float32Array(n);
  if (c.dtype === 'BF16') {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = u16[i]! << 16;
  } else for (let i = 0; i < n; i++) out[i] = f16BitsToF32(u16[i]!);
  return out;
}

export async function* streamTensor(
  source: WeightSource,
  t: StoredTensor,
  progress: LoadProgress | null,
  opts: StreamOptions = {},
): AsyncGenerator<TensorChunk> {
  const elementBytes = DTYPE_BYTES[t.dtype];
  const layout = rowLayout(t.shape, elementBytes);
  const [r0, r1] = opts.rows ?? [0, layout.rows];
  if (r0 < 0 || r1 > layout.rows || r1 < r0)
    throw new Error(`${t.name}: rows ${r0}..${r1} are outside its ${layout.rows} rows`);
  const plan = planRowChunks(
    { rows: r1 - r0, rowBytes: layout.rowBytes },
    opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES,
    t.name,
  ).map((c) => ({ ...c, rowStart: c.rowStart + r0, byteOffset: c.byteOffset + r0 * layout.rowBytes }));
  const prefetch = opts.prefetch ?? 1;
  const onBytes = opts.rows ? progress?.rangeTracker(t.name, t.byteLength) : progress?.tracker(t.name, t.byteLength);
  const read = (i: number): Promise<Uint8Array> => {
    const c = plan[i]!;
    const p = source.readRange(t.file, t.fileOffset + c.byteOffset, t.fileOffset + c.byteOffset + c.byteLength, {
      signal: opts.signal,
      onBytes,
    });
    p.catch(() => undefined); // awaited below; this only keeps an abandoned read-ahead from being "unhandled"
    return p;
  };
  const pending: Promise<Uint8Array>[] = [];
  let next = 0;
  for (let i = 0; i < plan.length; i++) {
    // While the consumer holds chunk i, chunks i+1 … i+prefetch are being read.
    while (next < plan.length && next <= i + prefetch) pending.push(read(next++));
    const c = plan[i]!;
    const bytes = await pending.shift()!;
    yield {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      totalRows: layout.rows,
      rowElements: layout.rowBytes / elementBytes,
      rowStart: c.rowStart,
      rows: c.rows,
      bytes,
    };
  }
}
