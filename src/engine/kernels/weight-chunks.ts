// Row-chunked GPU weights for the linear, embedding and quantizer kernels.
//
// A 7B tensor can pass both the storage-binding limit (128 MiB by default) and maxBufferSize (1 GiB here): the
// q4 lm_head is 272 MB, the bf16 embedding 1.09 GB. So every weight these kernels read is a list of row chunks,
// each its own buffer(s) sized under min(maxStorageBufferBindingSize, maxBufferSize); kernels issue one
// dispatch per chunk. A small tensor is simply one chunk.
import type { GpuContext } from '../gpu/device';
import { byteSize, readBuffer, storageUsage, writeHost, type GpuTensor } from '../gpu/tensor';

/** Group size along the input dimension, q4 (ARCHITECTURE.md §4) and q8 alike: one f16 scale per 32 inputs. */
export const Q4_GROUP = 32;
/** Chunk row counts are rounded to this so matmul/matvec tiles rarely straddle a chunk's end. */
const CHUNK_ROW_GRANULE = 64;

export interface RowRange {
  /** First row of the whole tensor held by this chunk. */
  readonly row0: number;
  readonly rows: number;
}

/** The quantized formats, by bits per code: q4 packs eight codes in a u32 word, q8 four. */
const CODE_BITS = { q4: 4, q8: 8 } as const;
export type QuantKind = keyof typeof CODE_BITS;

/** One row chunk of a quantized weight: `qweight` u32 code words [rows][cols·bits/32], `scales` f16 bits two per u32 [rows*cols/32]. */
export interface QuantChunk extends RowRange {
  readonly qweight: GPUBuffer;
  readonly scales: GPUBuffer;
}

/** A quantized weight W[rows, cols] (PyTorch [out, in] layout), split in row chunks; q4 is ARCHITECTURE.md §4. */
export interface QuantWeight<K extends QuantKind = QuantKind> {
  readonly kind: K;
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  readonly chunks: readonly QuantChunk[];
}

export type Q4Chunk = QuantChunk;
export type Q4Weight = QuantWeight<'q4'>;

/** One row chunk of a 16-bit weight: `data` holds rows*cols 16-bit values packed two per u32, row-major. */
export interface W16Chunk extends RowRange {
  readonly data: GPUBuffer;
}

/** A bf16/f16 weight W[rows, cols], split in row chunks. */
export interface W16Weight {
  readonly kind: 'w16';
  readonly label: string;
  readonly dtype: 'bf16' | 'f16';
  readonly rows: number;
  readonly cols: number;
  readonly chunks: readonly W16Chunk[];
}

export interface ChunkOptions {
  /** Upper bound on one chunk buffer's bytes (tests use it to force splits); the device limits always apply. */
  maxChunkBytes?: number;
}

/** Bytes of one quantized row: its codes and its scales. */
export function quantRowBytes(kind: QuantKind, cols: number): { qweight: number; scales: number } {
  return { qweight: (cols * CODE_BITS[kind]) / 8, scales: (cols / Q4_GROUP) * 2 };
}

/** Bytes of one q4 row: its nibbles and its scales. */
export function q4RowBytes(cols: number): { qweight: number; scales: number } {
  return quantRowBytes('q4', cols);
}

/** Total bytes of a q4 weight (what a memory plan should count). */
export function q4Bytes(rows: number, cols: number): number {
  const r = q4RowBytes(cols);
  return rows * (r.qweight + r.scales);
}

/** Largest buffer one chunk may use on this device. */
export function chunkByteLimit(ctx: GpuContext, options: ChunkOptions = {}): number {
  return Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize, options.maxChunkBytes ?? Infinity);
}

/**
 * Splits `rows` rows of `bytesPerRow` bytes into the fewest equal-ish chunks that each fit in `limit` bytes,
 * with chunk sizes rounded up to a multiple of 64 rows when that still fits.
 */
export function planRowChunks(label: string, rows: number, bytesPerRow: number, limit: number): RowRange[] {
  const maxRows = Math.floor(limit / bytesPerRow);
  if (maxRows < 1) throw new Error(`${label}: one row needs ${bytesPerRow} bytes, over the ${limit}-byte chunk limit`);
  let per = Math.ceil(rows / Math.ceil(rows / maxRows));
  const rounded = Math.ceil(per / CHUNK_ROW_GRANULE) * CHUNK_ROW_GRANULE;
  if (rounded <= maxRows) per = rounded;
  const out: RowRange[] = [];
  for (let row0 = 0; row0 < rows; row0 += per) out.push({ row0, rows: Math.min(per, rows - row0) });
  return out;
}

function checkDims(label: string, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`${label}: rows ${rows} must be a positive integer`);
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`${label}: cols ${cols} must be a positive integer`);
}

/** Allocates a zeroed quantized weight, chunked to fit this device's buffer and binding limits. */
export function createQuantWeight<K extends QuantKind>(
  ctx: GpuContext,
  kind: K,
  label: string,
  rows: number,
  cols: number,
  options: ChunkOptions = {},
): QuantWeight<K> {
  checkDims(label, rows, cols);
  if (cols % Q4_GROUP !== 0) throw new Error(`${label}: ${kind} needs cols % ${Q4_GROUP} == 0, got cols ${cols}`);
  const rb = quantRowBytes(kind, cols);
  const limit = chunkByteLimit(ctx, options);
  const chunks = planRowChunks(label, rows, rb.qweight, limit).map((r, i) => {
    const name = `${label}.chunk${i}`;
    if (Math.ceil((r.rows * rb.scales) / 4) * 4 > limit)
      throw new Error(`${name}: scales exceed the chunk limit ${limit}`);
    return {
      ...r,
      qweight: ctx.device.createBuffer({ label: `${name}.qweight`, size: r.rows * rb.qweight, usage: storageUsage() }),
      scales: ctx.device.createBuffer({
        label: `${name}.scales`,
        size: byteSize('f16', (r.rows * cols) / Q4_GROUP),
        usage: storageUsage(),
      }),
    };
  });
  return { kind, label, rows, cols, chunks };
}

/** createQuantWeight bound to one format (createQ4Weight here, createQ8Weight in q8-weight.ts). */
export function quantWeightCreator<K extends QuantKind>(kind: K) {
  return (ctx: GpuContext, label: string, rows: number, cols: number, options: ChunkOptions = {}): QuantWeight<K> =>
    createQuantWeight(ctx, kind, label, rows, cols, options);
}

/** Allocates a zeroed q4 weight, chunked to fit this device's buffer and binding limits. */
export const createQ4Weight = quantWeightCreator('q4');

/** Allocates a zeroed 16-bit weight, chunked to fit this device's buffer and binding limits. */
export function createW16Weight(
  ctx: GpuContext,
  label: string,
  dtype: 'bf16' | 'f16',
  rows: number,
  cols: number,
  options: ChunkOptions = {},
): W16Weight {
  checkDims(label, rows, cols);
  if (cols % 4 !== 0)
    throw new Error(`${label}: 16-bit weights need cols % 4 == 0 (vectorised loads), got cols ${cols}`);
  const chunks = planRowChunks(label, rows, cols * 2, chunkByteLimit(ctx, options)).map((r, i) => ({
    ...r,
    data: ctx.device.createBuffer({ label: `${label}.chunk${i}`, size: r.rows * cols * 2, usage: storageUsage() }),
  }));
  return { kind: 'w16', label, dtype, rows, cols, chunks };
}

/** Views a single bf16/f16 tensor [rows, cols] (one buffer, within the binding limit) as a one-chunk W16Weight. */
export function w16FromTensor(t: GpuTensor): W16Weight {
  if (t.dtype !== 'bf16' && t.dtype !== 'f16')
    throw new Error(`${t.label}: a 16-bit weight must be bf16 or f16, got ${t.dtype}`);
  if (t.shape.length !== 2)
    throw new Error(`${t.label}: a weight must be 2-D [rows, cols], got [${t.shape.join(', ')}]`);
  const [rows, cols] = t.shape as [number, number];
  checkDims(t.label, rows, cols);
  if (cols % 4 !== 0)
    throw new Error(`${t.label}: 16-bit weights need cols % 4 == 0 (vectorised loads), got cols ${cols}`);
  return { kind: 'w16', label: t.label, dtype: t.dtype, rows, cols, chunks: [{ row0: 0, rows, data: t.buffer }] };
}

/** The chunks overlapping rows [row0, row0 + rows), with the overlap in both global and chunk-local rows. */
export function chunksInRange<C extends RowRange>(
  chunks: readonly C[],
  row0: number,
  rows: number,
): { chunk: C; index: number; from: number; count: number }[] {
  const out: { chunk: C; index: number; from: number; count: number }[] = [];
  chunks.forEach((chunk, index) => {
    const a = Math.max(row0, chunk.row0);
    const b = Math.min(row0 + rows, chunk.row0 + chunk.rows);
    if (a < b) out.push({ chunk, index, from: a, count: b - a });
  });
  return out;
}

/** Uploads host rows [row0, row0 + n) of a 16-bit weight (raw u16 bits), across chunk boundaries. */
export function writeW16Rows(ctx: GpuContext, w: W16Weight, row0: number, data: Uint16Array): void {
  const n = data.length / w.cols;
  if (!Number.isInteger(n) || row0 < 0 || row0 + n > w.rows) {
    throw new Error(
      `${w.label}: cannot write ${data.length} values (${n} rows of ${w.cols}) at row ${row0} of ${w.rows}`,
    );
  }
  for (const { chunk, from, count } of chunksInRange(w.chunks, row0, n)) {
    const src = data.subarray((from - row0) * w.cols, (from - row0 + count) * w.cols);
    writeHost(ctx, chunk.data, (from - chunk.row0) * w.cols * 2, src);
  }
}

/**
 * Uploads already-quantized host rows [row0, row0 + n) (e.g. from the OPFS cache): `qweight` n*cols·bits/32
 * words, `scales` n*cols/32 f16 bits. A range whose scales start or end mid-word inside a chunk is rejected
 * (WebGPU writes whole words); that cannot happen when cols/32 is even, as in every Qwen2.5 shape.
 */
export function writeQuantRows(
  ctx: GpuContext,
  w: QuantWeight,
  row0: number,
  qweight: Uint32Array,
  scales: Uint16Array,
): void {
  const groups = w.cols / Q4_GROUP;
  const words = quantRowBytes(w.kind, w.cols).qweight / 4;
  const n = qweight.length / words;
  if (!Number.isInteger(n) || scales.length !== n * groups || row0 < 0 || row0 + n > w.rows) {
    throw new Error(
      `${w.label}: cannot write ${qweight.length} words / ${scales.length} scales at row ${row0} of ${w.rows}×${w.cols}`,
    );
  }
  for (const { chunk, from, count } of chunksInRange(w.chunks, row0, n)) {
    const local = from - chunk.row0;
    // writeHost pads an odd scale count with a zero half-word, which would clobber the next row's first scale.
    const endsChunk = local + count === chunk.rows;
    if ((local * groups) % 2 !== 0 || ((count * groups) % 2 !== 0 && !endsChunk)) {
      throw new Error(
        `${w.label}: rows [${from}, ${from + count}) split a scale word in ${chunk.scales.label}; write even row counts or whole chunks`,
      );
    }
    const at = from - row0;
    writeHost(ctx, chunk.qweight, local * words * 4, qweight.subarray(at * words, (at + count) * words));
    writeHost(ctx, chunk.scales, local * groups * 2, scales.subarray(at * groups, (at + count) * groups));
  }
}

/** Reads one chunk of a quantized weight back (e.g. to store the model in the cache): its code words and f16 scales. */
export async function readQuantChunk(
  ctx: GpuContext,
  w: QuantWeight,
  index: number,
): Promise<{ qweight: Uint32Array; scales: Uint16Array }> {
  const c = w.chunks[index];
  if (!c) throw new Error(`${w.label}: no chunk ${index} (has ${w.chunks.length})`);
  const groups = (c.rows * w.cols) / Q4_GROUP;
  const qweight = new Uint32Array(await readBuffer(ctx, c.qweight, 0, c.rows * quantRowBytes(w.kind, w.cols).qweight));
  const scales = new Uint16Array(await readBuffer(ctx, c.scales, 0, byteSize('f16', groups)), 0, groups);
  return { qweight, scales };
}

/** Reads a whole quantized weight back as one host array pair (flat over all rows, as §4 lays out one tensor). */
export async function readQuantWeight(
  ctx: GpuContext,
  w: QuantWeight,
): Promise<{ qweight: Uint32Array; scales: Uint16Array }> {
  const words = quantRowBytes(w.kind, w.cols).qweight / 4;
  const qweight = new Uint32Array(w.rows * words);
  const scales = new Uint16Array((w.rows * w.cols) / Q4_GROUP);
  for (let i = 0; i < w.chunks.length; i++) {
    const c = w.chunks[i]!;
    const part = await readQuantChunk(ctx, w, i);
    qweight.set(part.qweight, c.row0 * words);
    scales.set(part.scales, (c.row0 * w.cols) / Q4_GROUP);
  }
  return { qweight, scales };
}

/** Frees every chunk buffer of a weight created by createQ4Weight / createQ8Weight / createW16Weight. */
export function destroyWeight(w: QuantWeight | W16Weight): void {
  for (const c of w.chunks) {
    if ('qweight' in c) {
      c.qweight.destroy();
      c.scales.destroy();
    } else {
      c.data.destroy();
    }
  }
}
