// q8 weights on the GPU (docs/model.md §6.3): row-chunked like q4 (weight-chunks.ts), with int8 codes
// [rows][cols/4] u32 words and f16 scales two per u32. A 7B q8 lm_head is 545 MB, so chunking matters even more
// than for q4.
import type { GpuContext } from '../gpu/device';
import { byteSize, readBuffer, storageUsage, writeHost } from '../gpu/tensor';
import { chunkByteLimit, chunksInRange, planRowChunks, type ChunkOptions, type RowRange } from './weight-chunks';

/** q8 group size along the input dimension (one f16 scale per 32 consecutive inputs of a row). */
export const Q8_GROUP = 32;

/** One row chunk of a q8 weight: `qweight` u32 [rows][cols/4] int8 codes, `scales` f16 bits two per u32. */
export interface Q8Chunk extends RowRange {
  readonly qweight: GPUBuffer;
  readonly scales: GPUBuffer;
}

/** A q8 weight W[rows, cols] (PyTorch [out, in] layout), split in row chunks. */
export interface Q8Weight {
  readonly kind: 'q8';
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  readonly chunks: readonly Q8Chunk[];
}

/** Bytes of one q8 row: its codes and its scales. */
export function q8RowBytes(cols: number): { qweight: number; scales: number } {
  return { qweight: cols, scales: (cols / Q8_GROUP) * 2 };
}

/** Allocates a zeroed q8 weight, chunked to fit this device's buffer and binding limits. */
export function createQ8Weight(
  ctx: GpuContext,
  label: string,
  rows: number,
  cols: number,
  options: ChunkOptions = {},
): Q8Weight {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`${label}: rows ${rows} must be a positive integer`);
  if (!Number.isInteger(cols) || cols < 1 || cols % Q8_GROUP !== 0)
    throw new Error(`${label}: q8 needs a positive cols % ${Q8_GROUP} == 0, got cols ${cols}`);
  const rb = q8RowBytes(cols);
  const limit = chunkByteLimit(ctx, options);
  const chunks = planRowChunks(label, rows, rb.qweight, limit).map((r, i) => {
    const name = `${label}.chunk${i}`;
    return {
      ...r,
      qweight: ctx.device.createBuffer({ label: `${name}.qweight`, size: r.rows * rb.qweight, usage: storageUsage() }),
      scales: ctx.device.createBuffer({
        label: `${name}.scales`,
        size: byteSize('f16', (r.rows * cols) / Q8_GROUP),
        usage: storageUsage(),
      }),
    };
  });
  return { kind: 'q8', label, rows, cols, chunks };
}

/**
 * Uploads already-quantized host rows [row0, row0 + n) (e.g. from the OPFS cache): `qweight` n*cols/4 words,
 * `scales` n*cols/32 f16 bits. As for q4, a range whose scales start or end mid-word inside a chunk is rejected.
 */
export function writeQ8Rows(
  ctx: GpuContext,
  w: Q8Weight,
  row0: number,
  qweight: Uint32Array,
  scales: Uint16Array,
): void {
  const groups = w.cols / Q8_GROUP;
  const words = w.cols / 4;
  const n = qweight.length / words;
  if (!Number.isInteger(n) || scales.length !== n * groups || row0 < 0 || row0 + n > w.rows) {
    throw new Error(
      `${w.label}: cannot write ${qweight.length} words / ${scales.length} scales at row ${row0} of ${w.rows}×${w.cols}`,
    );
  }
  for (const { chunk, from, count } of chunksInRange(w.chunks, row0, n)) {
    const local = from - chunk.row0;
    const endsChunk = local + count === chunk.rows;
    if ((local * groups) % 2 !== 0 || ((count * groups) % 2 !== 0 && !endsChunk)) {
      throw new Error(
        `${w.label}: rows [${from}, ${from + count}) split a scale word in ${chunk.scales.label}; write even row counts or whole chunks`,
      );
    }
    const at = from - row0;
    writeHost(ctx, chunk.qweight, local * w.cols, qweight.subarray(at * words, (at + count) * words));
    writeHost(ctx, chunk.scales, local * groups * 2, scales.subarray(at * groups, (at + count) * groups));
  }
}

/** Reads one q8 chunk back (e.g. to store the quantized model in the cache): its code words and f16 scales. */
export async function readQ8Chunk(
  ctx: GpuContext,
  w: Q8Weight,
  index: number,
): Promise<{ qweight: Uint32Array; scales: Uint16Array }> {
  const c = w.chunks[index];
  if (!c) throw new Error(`${w.label}: no chunk ${index} (has ${w.chunks.length})`);
  const groups = (c.rows * w.cols) / Q8_GROUP;
  const qweight = new Uint32Array(await readBuffer(ctx, c.qweight, 0, c.rows * w.cols));
  const scales = new Uint16Array(await readBuffer(ctx, c.scales, 0, byteSize('f16', groups)), 0, groups);
  return { qweight, scales };
}

/** Reads a whole q8 weight back as one host array pair (flat over all rows). */
export async function readQ8Weight(
  ctx: GpuContext,
  w: Q8Weight,
): Promise<{ qweight: Uint32Array; scales: Uint16Array }> {
  const qweight = new Uint32Array((w.rows * w.cols) / 4);
  const scales = new Uint16Array((w.rows * w.cols) / Q8_GROUP);
  for (let i = 0; i < w.chunks.length; i++) {
    const c = w.chunks[i]!;
    const part = await readQ8Chunk(ctx, w, i);
    qweight.set(part.qweight, (c.row0 * w.cols) / 4);
    scales.set(part.scales, (c.row0 * w.cols) / Q8_GROUP);
  }
  return { qweight, scales };
}
