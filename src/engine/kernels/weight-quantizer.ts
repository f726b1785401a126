// GPU q4/q8 quantization while weights stream in (shaders/quantize.wgsl: one group rule with 4- or 8-bit codes, the
// Q8 define chosen by the destination's kind).
//
// The loader fills a staging tensor with whole source rows (bf16, f16 or f32) and calls `quantize`, which
// submits at once; the queue orders the next staging write after it, so one staging buffer can be reused.
// Bad groups (non-finite values, scales past f16) are flagged on the GPU and reported by `finish()`.
import type { GpuContext } from '../gpu/device';
import { deviceGrid, makeDispatch, runDispatches, Uniforms, type Dispatch } from '../gpu/dispatch';
import { numel, readBuffer, storageUsage, type GpuTensor } from '../gpu/tensor';
import { kernelPipeline } from './shader-source';
import { Q4_GROUP, chunksInRange, type Q4Weight } from './weight-chunks';
import type { Q8Weight } from './q8-weight';

const WG = 64;
const NO_ROW = 0xffffffff;

export class WeightQuantizer {
  private readonly status: GPUBuffer;
  /** One params buffer per destination chunk: a quantize() call writes each chunk at most once before submitting. */
  private readonly params: Uniforms[];
  private finished = false;

  constructor(
    private readonly ctx: GpuContext,
    readonly dst: Q4Weight | Q8Weight,
  ) {
    this.status = ctx.device.createBuffer({ label: `${dst.label}.quantize.status`, size: 8, usage: storageUsage() });
    ctx.device.queue.writeBuffer(this.status, 0, new Uint32Array([0, NO_ROW]));
    this.params = dst.chunks.map(
      (_, i) =>
        new Uniforms(ctx, `${dst.label}.chunk${i}.quantize.params`, [
          'groups',
          'dst_group0',
          'src_elem0',
          'groups_per_row',
          'row_base',
        ]),
    );
  }

  /**
   * Quantizes `rows` source rows starting at row `srcRow0` of `src` (bf16/f16/f32, rows of dst.cols values) into
   * rows [dstRow0, dstRow0 + rows) of the destination, and submits the work.
   */
  quantize(src: GpuTensor, dstRow0: number, rows = Math.floor(numel(src.shape) / this.dst.cols), srcRow0 = 0): void {
    const { ctx, dst } = this;
    const name = `${dst.label}.quantize`;
    if (this.finished) throw new Error(`${name}: quantizer already finished`);
    if (src.dtype !== 'bf16' && src.dtype !== 'f16' && src.dtype !== 'f32')
      throw new Error(`${name}: source ${src.label} is ${src.dtype}, expected bf16, f16 or f32`);
    for (const [what, v] of Object.entries({ rows, dstRow0, srcRow0 })) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name}: ${what} ${v} must be a non-negative integer`);
    }
    if (rows === 0) return;
    if (dstRow0 + rows > dst.rows)
      throw new Error(`${name}: rows [${dstRow0}, ${dstRow0 + rows}) pass the weight's ${dst.rows} rows`);
    if (numel(src.shape) < (srcRow0 + rows) * dst.cols) {
      throw new Error(
        `${name}: source ${src.label} has ${numel(src.shape)} values, need ${srcRow0 + rows} rows of ${dst.cols}`,
      );
    }
    const defines = { SRC_F32: src.dtype === 'f32', SRC_BF16: src.dtype === 'bf16', Q8: dst.kind === 'q8' };
    const pipeline = kernelPipeline(ctx, 'quantize.wgsl', defines, { WG });
    const groupsPerRow = dst.cols / Q4_GROUP;
    const dispatches: Dispatch[] = chunksInRange(dst.chunks, dstRow0, rows).map(({ chunk, index, from, count }) => {
      const params = this.params[index]!.setU32('groups', count * groupsPerRow)
        .setU32('dst_group0', (from - chunk.row0) * groupsPerRow)
        .setU32('src_elem0', (srcRow0 + from - dstRow0) * dst.cols)
        .setU32('groups_per_row', groupsPerRow)
        .setU32('row_base', from)
        .write();
      const label = `${name}.chunk${index}`;
      const bindings = [src.buffer, chunk.qweight, chunk.scales, this.status, params];
      return makeDispatch(ctx, label, pipeline, bindings, deviceGrid(ctx, Math.ceil((count * groupsPerRow) / WG)));
    });
    runDispatches(ctx, dispatches, name);
  }

  /** Waits for all submitted work; throws if any group was bad. Frees the quantizer's own buffers either way. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      const [flags, row] = new Uint32Array(await readBuffer(this.ctx, this.status, 0, 8));
      if (flags) {
        const what = [
          flags & 1 ? 'non-finite values' : '',
          flags & 2 ? `a scale past the f16 range (|max| / ${this.dst.kind === 'q4' ? 8 : 128} > 65504)` : '',
        ]
          .filter(Boolean)
          .join(' and ');
        throw new Error(`${this.dst.label}: cannot quantize to ${this.dst.kind}: ${what}, first in row ${row}`);
      }
    } finally {
      this.status.destroy();
      for (const p of this.params) p.destroy();
    }
  }
}

/** Quantizes a whole tensor [rows, cols] (bf16/f16/f32) already on the GPU into `dst` (q4 or q8), and checks it. */
export async function quantizeWeight(ctx: GpuContext, src: GpuTensor, dst: Q4Weight | Q8Weight): Promise<void> {
  const q = new WeightQuantizer(ctx, dst);
  q.quantize(src, 0, dst.rows);
  await q.finish();
}
