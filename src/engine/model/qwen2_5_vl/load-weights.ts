// Puts a checkpoint's tensors on the GPU in the form the forward pass wants. Projections that read the same input
// are fused by rows so one linear computes them all: q|k|v (text), gate|up (both MLPs). Text linears are quantized
// to q4 or q8 on the GPU while they stream in (ARCHITECTURE.md §4, docs/model.md), or kept 16-bit for the exact parity mode; biases
// become f32 (exact); norms and the vision tower keep their 16-bit checkpoint dtype.
import type { GpuContext } from '../../gpu/device';
import { uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { WeightQuantizer } from '../../kernels/weight-quantizer';
import { createQ8Weight, type Q8Weight } from '../../kernels/q8-weight';
import type { QuantFormat } from '../../weights/q8-scheme';
import {
  createQ4Weight,
  createW16Weight,
  destroyWeight,
  type Q4Weight,
  type W16Weight,
} from '../../kernels/weight-chunks';
import { outputProjectionName } from '../../spec/tensors';
import type { ModelSpec } from '../../spec/model-spec';
import type { Checkpoint } from '../../weights/checkpoint';
import { chunkF32 } from '../../weights/tensor-stream';
import { streamThroughStaging, uploadDense, UploadPacer, writeRows } from '../../weights/upload';
import { f32ToBf16 } from '../../weights/bf16';

export type Matrix = Q4Weight | Q8Weight | W16Weight;

export interface TextLayerWeights {
  inputNorm: GpuTensor;
  postNorm: GpuTensor;
  /** [qDim + 2·kvDim, hidden]: q_proj | k_proj | v_proj rows. */
  qkv: Matrix;
  qkvBias: GpuTensor;
  o: Matrix;
  /** [2·intermediate, hidden]: gate_proj | up_proj rows. */
  gateUp: Matrix;
  down: Matrix;
}

export interface TextWeights {
  embed: Matrix;
  layers: TextLayerWeights[];
  norm: GpuTensor;
  /** The same object as `embed` when embeddings are tied. */
  lmHead: Matrix;
}

export interface VisionBlockWeights {
  norm1: GpuTensor;
  norm2: GpuTensor;
  qkv: W16Weight;
  qkvBias: GpuTensor;
  proj: W16Weight;
  projBias: GpuTensor;
  /** [2·intermediate, hidden]: gate_proj | up_proj rows. */
  gateUp: W16Weight;
  gateUpBias: GpuTensor;
  down: W16Weight;
  downBias: GpuTensor;
}

export interface VisionWeights {
  /** The Conv3d kernel viewed as [hidden, 3·2·14·14]. */
  patchEmbed: W16Weight;
  blocks: VisionBlockWeights[];
  lnQ: GpuTensor;
  mlp0: W16Weight;
  mlp0Bias: GpuTensor;
  mlp2: W16Weight;
  mlp2Bias: GpuTensor;
}

export interface ModelWeights {
  text: TextWeights;
  vision: VisionWeights;
  /** Bytes of every weight buffer on the GPU. */
  bytes: number;
  /** Everything allocated, for dispose. */
  destroy(): void;
}

export type WeightPhase = 'weights' | 'quantize';

export interface LoadWeightOptions {
  quantize: boolean;
  /** The quantized form when `quantize` is set (default q4). */
  quantFormat?: QuantFormat;
  signal?: AbortSignal;
  /** Called after each tensor. */
  onTensor?: (name: string) => void;
}

/** One owner for every weight buffer (ARCHITECTURE.md, principle 3). */
export class Owner {
  readonly buffers: GPUBuffer[] = [];
  readonly matrices: Matrix[] = [];
  tensor(t: GpuTensor): GpuTensor {
    this.buffers.push(t.buffer);
    return t;
  }
  matrix<M extends Matrix>(m: M): M {
    this.matrices.push(m);
    return m;
  }
  get bytes(): number {
    const chunks = [...new Set(this.matrices)].flatMap((m) =>
      m.kind === 'w16' ? m.chunks.map((c) => c.data) : m.chunks.flatMap((c) => [c.qweight, c.scales]),
    );
    return [...this.buffers, ...chunks].reduce((a, b) => a + b.size, 0);
  }
  destroy(): void {
    for (const b of this.buffers) b.destroy();
    for (const m of new Set(this.matrices)) destroyWeight(m);
  }
}

/** Reads a small tensor (bias) to the host as f32; bf16/f16 widen exactly. */
export async function readF32(ckpt: Checkpoint, name: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of ckpt.stream(name)) parts.push(chunkF32(c));
  return concatF32(parts); // copies, so no part keeps a chunk's buffer alive
}

/** Concatenated f32 biases, uploaded once. */
async function biasF32(
  ctx: GpuContext,
  own: Owner,
  ckpt: Checkpoint,
  label: string,
  names: string[],
): Promise<GpuTensor> {
  const all = await biasValues(ckpt, names);
  return own.tensor(uploadTensor(ctx, label, 'f32', [all.length], all));
}

/** Fused biases as one f32 array. */
export async function biasValues(ckpt: Checkpoint, names: string[]): Promise<Float32Array> {
  return concatF32(await Promise.all(names.map((n) => readF32(ckpt, n))));
}

function concatF32(parts: Float32Array[]): Float32Array {
  const total = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    total.set(p, at);
    at += p.length;
  }
  return total;
}

/**
 * The 16-bit dtype of a fused matrix: its tensors' own (bf16 or f16), or bf16 for F32 tensors, which are rounded
 * as transformers rounds a float32 checkpoint loaded in Qwen2.5-VL's bfloat16.
 */
export function dtype16(ckpt: Checkpoint, names: string[], label: string): 'bf16' | 'f16' {
  const dts = new Set(names.map((n) => ckpt.tensor(n).dtype));
  if (dts.size !== 1)
    throw new Error(`${label}: the fused tensors ${names.join(', ')} have different dtypes (${[...dts].join(', ')})`);
  return dts.has('F16') ? 'f16' : 'bf16';
}

export function rowsOf(ckpt: Checkpoint, name: string): { rows: number; cols: number } {
  const s = ckpt.tensor(name).shape;
  return { rows: s[0]!, cols: s.slice(1).reduce((a, b) => a * b, 1) };
}

/** A fused matrix's shape: its tensors' rows stacked (same input size), and where each tensor starts. */
export function fusedShape(
  ckpt: Checkpoint,
  label: string,
  names: string[],
): { rows: number; cols: number; offsets: number[] } {
  const dims = names.map((n) => rowsOf(ckpt, n));
  const cols = dims[0]!.cols;
  if (dims.some((d) => d.cols !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
  const offsets: number[] = [];
  let rows = 0;
  for (const d of dims) {
    offsets.push(rows);
    rows += d.rows;
  }
  return { rows, cols, offsets };
}

/** For each fused tensor, the part of fused rows [a, b) it holds, in its own row numbers. */
export function eachInRange(
  ckpt: Checkpoint,
  names: string[],
  offsets: number[],
  [a, b]: readonly [number, number],
): { name: string; offset: number; rows: readonly [number, number] }[] {
  return names.flatMap((name, i) => {
    const off = offsets[i]!;
    const from = Math.max(a - off, 0);
    const to = Math.min(b - off, rowsOf(ckpt, name).rows);
    return from < to ? [{ name, offset: off, rows: [from, to] as const }] : [];
  });
}

/** Streams fused rows [a, b) of `names` into a 16-bit matrix (F32 sources rounded to bf16). */
export async function stream16Rows(
  ctx: GpuContext,
  ckpt: Checkpoint,
  w: W16Weight,
  names: string[],
  offsets: number[],
  range: readonly [number, number],
  signal?: AbortSignal,
): Promise<void> {
  const pacer = new UploadPacer(ctx.device.queue, 64 * 2 ** 20);
  for (const { name, offset, rows } of eachInRange(ckpt, names, offsets, range)) {
    // Targets in this tensor's own row numbers: chunk rows shifted by the tensor's offset in the fused matrix.
    const targets = w.chunks.map((c) => ({ row0: c.row0 - offset, rows: c.rows, buffer: c.data }));
    for await (const chunk of ckpt.stream(name, { signal, rows })) {
      const bytes = chunk.dtype === 'F32' ? new Uint8Array(f32ToBf16(chunk.bytes).buffer) : chunk.bytes;
      writeRows(ctx.device.queue, targets, w.cols * 2, chunk.rowStart, bytes);
      await pacer.wrote(bytes.byteLength);
    }
  }
}

/** Quantizes fused rows [a, b) of `names` into a q4 or q8 matrix while they stream in (the caller finishes `quantizer`). */
export async function streamQuantizedRows(
  ctx: GpuContext,
  ckpt: Checkpoint,
  quantizer: WeightQuantizer,
  names: string[],
  offsets: number[],
  range: readonly [number, number],
  signal?: AbortSignal,
): Promise<void> {
  for (const { name, offset, rows } of eachInRange(ckpt, names, offsets, range)) {
    await streamThroughStaging(
      ctx,
      ckpt,
      name,
      (staging, rowStart, n) => quantizer.quantize(staging, offset + rowStart, n),
      { signal, rows },
    );
  }
}

/** Streams each tensor into its row offset of a fused matrix: quantized to q4 or q8 on the GPU, or kept 16-bit. */
async function fusedMatrix(
  ctx: GpuContext,
  own: Owner,
  ckpt: Checkpoint,
  label: string,
  names: string[],
  opts: LoadWeightOptions & { quantize: boolean },
): Promise<Matrix> {
  const { rows, cols, offsets } = fusedShape(ckpt, label, names);
  let w: Matrix;
  if (opts.quantize) {
    const create = (opts.quantFormat ?? 'q4') === 'q8' ? createQ8Weight : createQ4Weight;
    w = own.matrix(create(ctx, label, rows, cols));
    const quantizer = new WeightQuantizer(ctx, w);
    await streamQuantizedRows(ctx, ckpt, quantizer, names, offsets, [0, rows], opts.signal);
    await quantizer.finish();
  } else {
    w = own.matrix(createW16Weight(ctx, label, dtype16(ckpt, names, label), rows, cols));
    await stream16Rows(ctx, ckpt, w, names, offsets, [0, rows], opts.signal);
  }
  for (const n of names) opts.onTensor?.(n);
  return w;
}

/**
 * Where the forward pass's weights come from: a checkpoint (streamed, fused, maybe quantized) or the browser
 * cache of an earlier load. `label` names a (possibly fused) weight and is its key in the cache.
 */
export interface WeightProvider {
  /** A language-model linear: q4, q8 or 16-bit. */
  textMatrix(label: string, names: string[]): Promise<Matrix>;
  /** A vision linear: always 16-bit. */
  visionMatrix(label: string, names: string[]): Promise<W16Weight>;
  dense(name: string): Promise<GpuTensor>;
  bias(label: string, names: string[]): Promise<GpuTensor>;
}

/** Everything a provider made, by label, in creation order (what the cache writer stores). */
export type MadeWeights = Map<string, Matrix | GpuTensor>;

export class CheckpointProvider implements WeightProvider {
  readonly made: MadeWeights = new Map();

  constructor(
    private readonly ctx: GpuContext,
    private readonly own: Owner,
    private readonly ckpt: Checkpoint,
    private readonly opts: LoadWeightOptions,
  ) {}

  private keep<T extends Matrix | GpuTensor>(label: string, w: T): T {
    this.made.set(label, w);
    return w;
  }

  async textMatrix(label: string, names: string[]): Promise<Matrix> {
    return this.keep(label, await fusedMatrix(this.ctx, this.own, this.ckpt, label, names, this.opts));
  }

  async visionMatrix(label: string, names: string[]): Promise<W16Weight> {
    const w = await fusedMatrix(this.ctx, this.own, this.ckpt, label, names, { ...this.opts, quantize: false });
    return this.keep(label, w as W16Weight);
  }

  async dense(name: string): Promise<GpuTensor> {
    const t = this.own.tensor(
      await uploadDense(this.ctx, this.ckpt, name, this.opts.signal ? { signal: this.opts.signal } : {}),
    );
    this.opts.onTensor?.(name);
    return this.keep(name, t);
  }

  async bias(label: string, names: string[]): Promise<GpuTensor> {
    return this.keep(label, await biasF32(this.ctx, this.own, this.ckpt, label, names));
  }
}

/** Decoder layer i (exported for the 7B-shaped single-layer test, which serves hash-PRNG weights). */
export async function loadTextLayer(p: WeightProvider, i: number): Promise<TextLayerWeights> {
  const l = `model.layers.${i}`;
  const a = `${l}.self_attn`;
  return {
    inputNorm: await p.dense(`${l}.input_layernorm.weight`),
    postNorm: await p.dense(`${l}.post_attention_layernorm.weight`),
    qkv: await p.textMatrix(`${a}.qkv`, [`${a}.q_proj.weight`, `${a}.k_proj.weight`, `${a}.v_proj.weight`]),
    qkvBias: await p.bias(`${a}.qkv.bias`, [`${a}.q_proj.bias`, `${a}.k_proj.bias`, `${a}.v_proj.bias`]),
    o: await p.textMatrix(`${a}.o_proj`, [`${a}.o_proj.weight`]),
    gateUp: await p.textMatrix(`${l}.mlp.gate_up`, [`${l}.mlp.gate_proj.weight`, `${l}.mlp.up_proj.weight`]),
    down: await p.textMatrix(`${l}.mlp.down_proj`, [`${l}.mlp.down_proj.weight`]),
  };
}

async function loadText(p: WeightProvider, spec: ModelSpec): Promise<TextWeights> {
  const embed = await p.textMatrix('model.embed_tokens', ['model.embed_tokens.weight']);
  const layers: TextLayerWeights[] = [];
  for (let i = 0; i < spec.text.numLayers; i++) layers.push(await loadTextLayer(p, i));
  const norm = await p.dense('model.norm.weight');
  const out = outputProjectionName(spec);
  const lmHead = out === 'model.embed_tokens.weight' ? embed : await p.textMatrix('lm_head', [out]);
  return { embed, layers, norm, lmHead };
}

/** Vision block i (exported for the 7B-shaped single-block test, which serves hash-PRNG weights). */
export async function loadVisionBlock(p: WeightProvider, i: number): Promise<VisionBlockWeights> {
  const b = `visual.blocks.${i}`;
  return {
    norm1: await p.dense(`${b}.norm1.weight`),
    norm2: await p.dense(`${b}.norm2.weight`),
    qkv: await p.visionMatrix(`${b}.attn.qkv`, [`${b}.attn.qkv.weight`]),
    qkvBias: await p.bias(`${b}.attn.qkv.bias`, [`${b}.attn.qkv.bias`]),
    proj: await p.visionMatrix(`${b}.attn.proj`, [`${b}.attn.proj.weight`]),
    projBias: await p.bias(`${b}.attn.proj.bias`, [`${b}.attn.proj.bias`]),
    gateUp: await p.visionMatrix(`${b}.mlp.gate_up`, [`${b}.mlp.gate_proj.weight`, `${b}.mlp.up_proj.weight`]),
    gateUpBias: await p.bias(`${b}.mlp.gate_up.bias`, [`${b}.mlp.gate_proj.bias`, `${b}.mlp.up_proj.bias`]),
    down: await p.visionMatrix(`${b}.mlp.down_proj`, [`${b}.mlp.down_proj.weight`]),
    downBias: await p.bias(`${b}.mlp.down_proj.bias`, [`${b}.mlp.down_proj.bias`]),
  };
}

async function loadVision(p: WeightProvider, spec: ModelSpec): Promise<VisionWeights> {
  const blocks: VisionBlockWeights[] = [];
  const patchEmbed = await p.visionMatrix('visual.patch_embed', ['visual.patch_embed.proj.weight']);
  for (let i = 0; i < spec.vision.depth; i++) blocks.push(await loadVisionBlock(p, i));
  return {
    patchEmbed,
    blocks,
    lnQ: await p.dense('visual.merger.ln_q.weight'),
    mlp0: await p.visionMatrix('visual.merger.mlp.0', ['visual.merger.mlp.0.weight']),
    mlp0Bias: await p.bias('visual.merger.mlp.0.bias', ['visual.merger.mlp.0.bias']),
    mlp2: await p.visionMatrix('visual.merger.mlp.2', ['visual.merger.mlp.2.weight']),
    mlp2Bias: await p.bias('visual.merger.mlp.2.bias', ['visual.merger.mlp.2.bias']),
  };
}

/**
 * Asks the provider for every weight in the forward pass's order (vision tower, then text): the order a cache entry
 * stores them in, which tools/quantize-folder follows to write the same bytes.
 */
export async function provideWeights(
  provider: WeightProvider,
  spec: ModelSpec,
): Promise<{ vision: VisionWeights; text: TextWeights }> {
  const vision = await loadVision(provider, spec);
  return { vision, text: await loadText(provider, spec) };
}

/** Builds the forward pass's weights from any provider; `own` frees everything on failure or dispose. */
export async function assembleWeights(
  ctx: GpuContext,
  own: Owner,
  provider: WeightProvider,
  spec: ModelSpec,
): Promise<ModelWeights> {
  try {
    const { vision, text } = await provideWeights(provider, spec);
    await ctx.device.queue.onSubmittedWorkDone();
    return { text, vision, bytes: own.bytes, destroy: () => own.destroy() };
  } catch (e) {
    own.destroy();
    throw e;
  }
}

/** Loads a checkpoint's weights; `made` (by label) is what a cache writer stores. */
export async function loadModelWeights(
  ctx: GpuContext,
  ckpt: Checkpoint,
  opts: LoadWeightOptions,
): Promise<ModelWeights & { made: MadeWeights }> {
  const own = new Owner();
  const provider = new CheckpointProvider(ctx, own, ckpt, opts);
  return { ...(await assembleWeights(ctx, own, provider, ckpt.spec)), made: provider.made };
}
