// The hash-PRNG weights (ARCHITECTURE.md §5) generated on the host instead of the GPU, so the model's own loaders
// (loadTextLayer, loadVisionBlock) build 7B-shaped layers from a slice golden's meta.json with no checkpoint file
// and with an independent generator: the GPU provider (GpuHashProvider) is checked against this one. Matrices are
// generated in row blocks (bounded host memory). With `quantize`, text matrices are stored q4 by the plain-TS
// rule of ARCHITECTURE.md §4 (bit-identical to the GPU quantizer, which its own tests prove).
import {
  createQ4Weight,
  createW16Weight,
  writeQuantRows,
  writeW16Rows,
  type W16Weight,
} from '../engine/kernels/weight-chunks';
import type { Matrix } from '../engine/model/qwen2_5_vl/load-weights';
import { GpuHashProvider } from '../engine/model/qwen2_5_vl/hash-weights-gpu';
import { quantizeRef } from './cpu/linalg';
import { bf16BitsToF32, hashBf16Range } from './hash-weights';

/** Host bytes generated before waiting for the queue (keeps queued uploads bounded). */
const PACE_BYTES = 64 * 2 ** 20;

export class HashWeightProvider extends GpuHashProvider {
  /** Calls `write(row, bf16 bits)` for row blocks of the named tensors stacked by rows, as the checkpoint loader fuses them. */
  private async stacked(
    label: string,
    names: string[],
    write: (row0: number, bits: Uint16Array) => void,
  ): Promise<{ rows: number; cols: number }> {
    const { rows, cols, specs } = this.shape(label, names);
    const blockRows = Math.max(1, Math.floor(PACE_BYTES / 2 / cols));
    let offset = 0;
    for (const s of specs) {
      for (let r0 = 0; r0 < s.shape[0]!; r0 += blockRows) {
        const n = Math.min(blockRows, s.shape[0]! - r0);
        write(offset + r0, hashBf16Range(s, r0 * cols, n * cols));
        await this.ctx.device.queue.onSubmittedWorkDone();
      }
      offset += s.shape[0]!;
    }
    return { rows, cols };
  }

  private async hostMatrix16(label: string, names: string[]): Promise<W16Weight> {
    const { rows, cols } = this.shape(label, names);
    const w = this.own.matrix(createW16Weight(this.ctx, label, 'bf16', rows, cols));
    await this.stacked(label, names, (row0, bits) => writeW16Rows(this.ctx, w, row0, bits));
    return w;
  }

  private async hostMatrixQ4(label: string, names: string[]): Promise<Matrix> {
    const { rows, cols } = this.shape(label, names);
    const w = this.own.matrix(createQ4Weight(this.ctx, label, rows, cols));
    await this.stacked(label, names, (row0, bits) => {
      const q = quantizeRef('q4', bf16BitsToF32(bits), bits.length / cols, cols);
      if (q.bad) throw new Error(`${label}: rows from ${row0} cannot be quantized`);
      writeQuantRows(this.ctx, w, row0, q.qweight, q.scales);
    });
    return w;
  }

  override textMatrix(label: string, names: string[]): Promise<Matrix> {
    return this.options.quantize ? this.hostMatrixQ4(label, names) : this.hostMatrix16(label, names);
  }

  override visionMatrix(label: string, names: string[]): Promise<W16Weight> {
    return this.hostMatrix16(label, names);
  }
}
