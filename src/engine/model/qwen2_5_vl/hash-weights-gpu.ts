// A WeightProvider whose matrices are hash-PRNG weights generated on the GPU (kernels/hash-fill.ts): the
// benchmark's full-size synthetic 7B (no download, no files, no host-side generation of ~8 G values) and the
// slice tests' layers. Text matrices go through the same q4 quantizer as a checkpoint load (generated as bf16
// into one staging tensor block by block, each block quantized into its rows of the fused weight); vision
// matrices are written straight into their 16-bit row chunks. Norms and biases (vectors, some with mean 1, which
// the GPU generator does not do) are generated on the host.
import { hashBf16, hashF32, streamKey, type HashTensorSpec } from '../../../lib/hash-prng';
import type { GpuContext } from '../../gpu/device';
import { destroyOps, runOps, type KernelOp } from '../../gpu/dispatch';
import { createTensor, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { hashFillBf16 } from '../../kernels/hash-fill';
import { WeightQuantizer } from '../../kernels/weight-quantizer';
import { chunksInRange, createQ4Weight, createW16Weight, type W16Weight } from '../../kernels/weight-chunks';
import { checkpointTensors } from '../../spec/tensors';
import type { ModelSpec } from '../../spec/model-spec';
import type { Matrix, Owner, WeightProvider } from './load-weights';

/** Elements generated per dispatch (bounds one dispatch's run time on slow adapters). */
const FILL_ELEMENTS = 16 * 2 ** 20;
/** Default staging for q4 text matrices (also how much is queued before waiting for the GPU). */
const STAGING_BYTES = 32 * 2 ** 20;

export interface HashProviderOptions {
  quantize: boolean;
  /** bf16 staging for q4 text matrices (default 32 MiB; tests lower it so tensors span many blocks). */
  stagingBytes?: number;
}

export class GpuHashProvider implements WeightProvider {
  protected readonly specs: Map<string, HashTensorSpec>;
  private staging: GpuTensor | null = null;

  constructor(
    protected readonly ctx: GpuContext,
    protected readonly own: Owner,
    specs: readonly HashTensorSpec[],
    protected readonly options: HashProviderOptions,
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]));
  }

  protected spec(name: string): HashTensorSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`hash weights: no spec for ${name}`);
    return s;
  }

  /** Rows and columns of the named tensors stacked by rows (as the loader fuses them). */
  protected shape(label: string, names: string[]): { rows: number; cols: number; specs: HashTensorSpec[] } {
    const specs = names.map((n) => this.spec(n));
    const colsOf = (s: HashTensorSpec) => s.shape.slice(1).reduce((a, b) => a * b, 1);
    const cols = colsOf(specs[0]!);
    if (specs.some((s) => colsOf(s) !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
    if (cols % 2 !== 0)
      throw new Error(
        `${label}: ${cols} columns; the GPU generator writes whole u32 words, so rows must have an even length`,
      );
    for (const s of specs)
      if ((s.mean ?? 0) !== 0)
        throw new Error(`${s.name}: the GPU generator makes mean-0 tensors only (mean ${s.mean})`);
    return { rows: specs.reduce((a, s) => a + s.shape[0]!, 0), cols, specs };
  }

  /** Dispatches writing tensor elements [elem0, elem0 + count) to dst from word dstWord0, in bounded pieces. */
  private fill(
    label: string,
    s: HashTensorSpec,
    dst: GPUBuffer,
    dstWord0: number,
    elem0: number,
    count: number,
  ): KernelOp[] {
    const key = streamKey(s.seed, s.name);
    const out: KernelOp[] = [];
    for (let at = 0; at < count; at += FILL_ELEMENTS) {
      const n = Math.min(FILL_ELEMENTS, count - at);
      out.push(
        hashFillBf16(this.ctx, `${label}.hash`, {
          dst,
          dstWord0: dstWord0 + at / 2,
          key,
          std: s.std,
          elem0: elem0 + at,
          count: n,
        }),
      );
    }
    return out;
  }

  private submit(label: string, ops: KernelOp[]): void {
    runOps(this.ctx, ops, label);
    destroyOps(ops);
  }

  private async matrix16(label: string, names: string[]): Promise<W16Weight> {
    const { rows, cols, specs } = this.shape(label, names);
    const w = this.own.matrix(createW16Weight(this.ctx, label, 'bf16', rows, cols));
    let offset = 0;
    for (const s of specs) {
      for (const { chunk, from, count } of chunksInRange(w.chunks, offset, s.shape[0]!)) {
        this.submit(
          label,
          this.fill(label, s, chunk.data, ((from - chunk.row0) * cols) / 2, (from - offset) * cols, count * cols),
        );
        await this.ctx.device.queue.onSubmittedWorkDone();
      }
      offset += s.shape[0]!;
    }
    return w;
  }

  private async matrixQ4(label: string, names: string[]): Promise<Matrix> {
    const { rows, cols, specs } = this.shape(label, names);
    const w = this.own.matrix(createQ4Weight(this.ctx, label, rows, cols));
    const stagingBytes = this.options.stagingBytes ?? STAGING_BYTES;
    const blockRows = Math.floor(stagingBytes / 2 / cols);
    if (blockRows < 1)
      throw new Error(`${label}: staging of ${stagingBytes} bytes holds no row of ${cols} bf16 values`);
    this.staging ??= createTensor(this.ctx, 'hash.staging', 'bf16', [blockRows * cols]);
    if (this.staging.buffer.size < blockRows * cols * 2) {
      this.staging.buffer.destroy();
      this.staging = createTensor(this.ctx, 'hash.staging', 'bf16', [blockRows * cols]);
    }
    const staging = this.staging;
    const quantizer = new WeightQuantizer(this.ctx, w);
    try {
      let offset = 0;
      for (const s of specs) {
        for (let r0 = 0; r0 < s.shape[0]!; r0 += blockRows) {
          const n = Math.min(blockRows, s.shape[0]! - r0);
          // The queue orders this fill after the previous block's quantize, so one staging tensor serves all.
          this.submit(label, this.fill(label, s, staging.buffer, 0, r0 * cols, n * cols));
          quantizer.quantize(staging, offset + r0, n);
          await this.ctx.device.queue.onSubmittedWorkDone();
        }
        offset += s.shape[0]!;
      }
    } finally {
      await quantizer.finish();
    }
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

  /** Frees the staging tensor (the weights belong to the owner). */
  destroy(): void {
    this.staging?.buffer.destroy();
    this.staging = null;
  }
}

/**
 * Hash specs for every tensor a ModelSpec needs, scaled as the slice goldens are: matrices uniform with std
 * 1/√fan_in, biases std 0.1, norms mean 1 std 0.1.
 */
export function syntheticTensorSpecs(spec: ModelSpec, seed: number): HashTensorSpec[] {
  return checkpointTensors(spec).map(({ name, shape }) => {
    if (shape.length === 1)
      return name.endsWith('.bias') ? { seed, name, shape, std: 0.1 } : { seed, name, shape, std: 0.1, mean: 1 };
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    return { seed, name, shape, std: 1 / Math.sqrt(fanIn) };
  });
}
