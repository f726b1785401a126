// A WeightProvider that serves hash-PRNG tensors (ARCHITECTURE.md §5) straight to the GPU, so the model's own
// loaders (loadTextLayer, loadVisionBlock) build 7B-shaped layers from a slice golden's meta.json with no
// checkpoint file. Matrices are generated in row blocks (bounded host memory). With `quantize`, text matrices
// are stored q4 by the plain-TS rule of ARCHITECTURE.md §4 (bit-identical to the GPU quantizer, which its own
// tests prove; on the host here because SwiftShader needs ~30 s for a 7B layer's 233 M weights).
import type { GpuContext } from '../engine/gpu/device';
import { uploadTensor, type GpuTensor } from '../engine/gpu/tensor';
import { createQ4Weight, createW16Weight, writeQ4Rows, writeW16Rows, type W16Weight } from '../engine/kernels/weight-chunks';
import type { Matrix, Owner, WeightProvider } from '../engine/model/qwen2_5_vl/load-weights';
import { quantizeQ4Ref } from './cpu/linalg';
import { bf16BitsToF32, hashBf16, hashBf16Range, hashF32, type HashTensorSpec } from './hash-weights';

/** Host bytes generated before waiting for the queue (keeps queued uploads bounded). */
const PACE_BYTES = 64 * 2 ** 20;

export class HashWeightProvider implements WeightProvider {
  private readonly specs: Map<string, HashTensorSpec>;

  constructor(
    private readonly ctx: GpuContext,
    private readonly own: Owner,
    specs: readonly HashTensorSpec[],
    private readonly options: { quantize: boolean },
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]));
  }

  private spec(name: string): HashTensorSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`hash provider: no spec for ${name} (have ${[...this.specs.keys()].join(', ')})`);
    return s;
  }

  /** Calls `write(row, bf16 bits)` for row blocks of the named tensors stacked by rows, as the checkpoint loader fuses them. */
  private async stacked(label: string, names: string[], write: (row0: number, bits: Uint16Array) => void): Promise<{ rows: number; cols: number }> {
    const specs = names.map((n) => this.spec(n));
    const colsOf = (s: HashTensorSpec) => s.shape.slice(1).reduce((a, b) => a * b, 1);
    const cols = colsOf(specs[0]!);
    if (specs.some((s) => colsOf(s) !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
    const blockRows = Math.max(1, Math.floor(PACE_BYTES / 2 / cols));
    let offset = 0;
    for (const s of specs) {
      const rows = s.shape[0]!;
      for (let r0 = 0; r0 < rows; r0 += blockRows) {
        const n = Math.min(blockRows, rows - r0);
        write(offset + r0, hashBf16Range(s, r0 * cols, n * cols));
        await this.ctx.device.queue.onSubmittedWorkDone();
      }
      offset += rows;
    }
    return { rows: offset, cols };
  }

  private shape(names: string[]): { rows: number; cols: number } {
    const specs = names.map((n) => this.spec(n));
    return { rows: specs.reduce((a, s) => a + s.shape[0]!, 0), cols: specs[0]!.shape.slice(1).reduce((a, b) => a * b, 1) };
  }

  private async matrix16(label: string, names: string[]): Promise<W16Weight> {
    const { rows, cols } = this.shape(names);
    const w = this.own.matrix(createW16Weight(this.ctx, label, 'bf16', rows, cols));
    await this.stacked(label, names, (row0, bits) => writeW16Rows(this.ctx, w, row0, bits));
    return w;
  }

  private async matrixQ4(label: string, names: string[]): Promise<Matrix> {
    const { rows, cols } = this.shape(names);
    const w = this.own.matrix(createQ4Weight(this.ctx, label, rows, cols));
    await this.stacked(label, names, (row0, bits) => {
      const q = quantizeQ4Ref(bf16BitsToF32(bits), bits.length / cols, cols);
      if (q.bad) throw new Error(`${label}: rows from ${row0} cannot be quantized`);
      writeQ4Rows(this.ctx, w, row0, q.qweight, q.scales);
    });
    return w;
  }

  textMatrix(label: string, names: string[]): Promise<Matrix> {
    return this.options.quantize ? this.matrixQ4(label, names) : this.matrix16(label, names);
  }

  visionMatrix(label: string, names: string[]): Promise<W16Weight> {
    return this.matrix16(label, names);
  }

  dense(name: string): Promise<GpuTensor> {
    const s = this.spec(name);
    return Promise.resolve(this.own.tensor(uploadTensor(this.ctx, name, 'bf16', s.shape, hashBf16(s))));
  }

  bias(label: string, names: string[]): Promise<GpuTensor> {
    const parts = names.map((n) => hashF32(this.spec(n)));
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    return Promise.resolve(this.own.tensor(uploadTensor(this.ctx, label, 'f32', [all.length], all)));
  }
}
