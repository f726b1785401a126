// Puts a checkpoint's tensors on the GPU in the form the forward pass wants. Projections that read the same input
// are fused by rows so one linear computes them all: q|k|v (text), gate|up (both MLPs). Text linears are quantized
// to q4 on the GPU while they stream in (ARCHITECTURE.md §4), or kept 16-bit for the exact parity mode; biases
// become f32 (exact); norms and the vision tower keep their 16-bit checkpoint dtype.
import type { GpuContext } from '../../gpu/device';
import { uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { Q4Quantizer } from '../../kernels/q4-quantize';
import { createQ4Weight, createW16Weight, destroyWeight, type Q4Weight, type W16Weight } from '../../kernels/weight-chunks';
import { outputProjectionName } from '../../spec/tensors';
import type { ModelSpec } from '../../spec/model-spec';
import type { Checkpoint } from '../../weights/checkpoint';
import { streamThroughStaging, uploadDense, UploadPacer, writeRows } from '../../weights/upload';

export type Matrix = Q4Weight | W16Weight;

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
  signal?: AbortSignal;
  /** Called after each tensor. */
  onTensor?: (name: string) => void;
}

class Owner {
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
    const chunks = [...new Set(this.matrices)].flatMap((m) => (m.kind === 'q4' ? m.chunks.flatMap((c) => [c.qweight, c.scales]) : m.chunks.map((c) => c.data)));
    return [...this.buffers, ...chunks].reduce((a, b) => a + b.size, 0);
  }
  destroy(): void {
    for (const b of this.buffers) b.destroy();
    for (const m of new Set(this.matrices)) destroyWeight(m);
  }
}

/** Reads a small tensor (bias) to the host as f32; bf16/f16 widen exactly. */
async function readF32(ckpt: Checkpoint, name: string): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of ckpt.stream(name)) {
    const n = c.rows * c.rowElements;
    const out = new Float32Array(n);
    if (c.dtype === 'F32') out.set(new Float32Array(c.bytes.buffer, c.bytes.byteOffset, n));
    else {
      const u16 = new Uint16Array(c.bytes.buffer, c.bytes.byteOffset, n);
      if (c.dtype === 'BF16') {
        const u32 = new Uint32Array(out.buffer);
        for (let i = 0; i < n; i++) u32[i] = u16[i]! << 16;
      } else {
        for (let i = 0; i < n; i++) out[i] = f16ToF32(u16[i]!);
      }
    }
    parts.push(out);
  }
  const total = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    total.set(p, at);
    at += p.length;
  }
  return total;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Concatenated f32 biases, uploaded once. */
async function biasF32(ctx: GpuContext, own: Owner, ckpt: Checkpoint, label: string, names: string[]): Promise<GpuTensor> {
  const parts = await Promise.all(names.map((n) => readF32(ckpt, n)));
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return own.tensor(uploadTensor(ctx, label, 'f32', [all.length], all));
}

/** The shared 16-bit dtype of the tensors fused into one matrix. */
function dtype16(ckpt: Checkpoint, names: string[], label: string): 'bf16' | 'f16' {
  const dts = new Set(names.map((n) => ckpt.tensor(n).dtype));
  if (dts.size !== 1) throw new Error(`${label}: the fused tensors ${names.join(', ')} have different dtypes (${[...dts].join(', ')})`);
  const [d] = dts;
  if (d === 'F32') throw new Error(`${label}: F32 weights are not supported in 16-bit mode (choose 4-bit, or convert the checkpoint to bf16)`);
  return d === 'BF16' ? 'bf16' : 'f16';
}

function rowsOf(ckpt: Checkpoint, name: string): { rows: number; cols: number } {
  const s = ckpt.tensor(name).shape;
  return { rows: s[0]!, cols: s.slice(1).reduce((a, b) => a * b, 1) };
}

/** Streams each tensor into its row offset of a fused 16-bit matrix. */
async function fused16(ctx: GpuContext, own: Owner, ckpt: Checkpoint, label: string, names: string[], opts: LoadWeightOptions): Promise<W16Weight> {
  const dims = names.map((n) => rowsOf(ckpt, n));
  const cols = dims[0]!.cols;
  if (dims.some((d) => d.cols !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
  const w = own.matrix(createW16Weight(ctx, label, dtype16(ckpt, names, label), dims.reduce((a, d) => a + d.rows, 0), cols));
  const pacer = new UploadPacer(ctx.device.queue, 64 * 2 ** 20);
  let offset = 0;
  for (const [i, name] of names.entries()) {
    // Targets in this tensor's own row numbers: chunk rows shifted by the tensor's offset in the fused matrix.
    const targets = w.chunks.map((c) => ({ row0: c.row0 - offset, rows: c.rows, buffer: c.data }));
    for await (const chunk of ckpt.stream(name, { signal: opts.signal })) {
      writeRows(ctx.device.queue, targets, cols * 2, chunk.rowStart, chunk.bytes);
      await pacer.wrote(chunk.bytes.byteLength);
    }
    offset += dims[i]!.rows;
    opts.onTensor?.(name);
  }
  return w;
}

/** Quantizes each tensor into its row offset of a fused q4 matrix while it streams in. */
async function fusedQ4(ctx: GpuContext, own: Owner, ckpt: Checkpoint, label: string, names: string[], opts: LoadWeightOptions): Promise<Q4Weight> {
  const dims = names.map((n) => rowsOf(ckpt, n));
  const cols = dims[0]!.cols;
  if (dims.some((d) => d.cols !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
  const w = own.matrix(createQ4Weight(ctx, label, dims.reduce((a, d) => a + d.rows, 0), cols));
  const quantizer = new Q4Quantizer(ctx, w);
  let offset = 0;
  for (const [i, name] of names.entries()) {
    const base = offset;
    await streamThroughStaging(ctx, ckpt, name, (staging, rowStart, rows) => quantizer.quantize(staging, base + rowStart, rows), { signal: opts.signal });
    offset += dims[i]!.rows;
    opts.onTensor?.(name);
  }
  await quantizer.finish();
  return w;
}

async function dense(ctx: GpuContext, own: Owner, ckpt: Checkpoint, name: string, opts: LoadWeightOptions): Promise<GpuTensor> {
  const t = own.tensor(await uploadDense(ctx, ckpt, name, { signal: opts.signal }));
  opts.onTensor?.(name);
  return t;
}

async function loadText(ctx: GpuContext, own: Owner, ckpt: Checkpoint, spec: ModelSpec, opts: LoadWeightOptions): Promise<TextWeights> {
  const matrix = (label: string, names: string[]) => (opts.quantize ? fusedQ4 : fused16)(ctx, own, ckpt, label, names, opts);
  const embed = await matrix('model.embed_tokens', ['model.embed_tokens.weight']);
  const layers: TextLayerWeights[] = [];
  for (let i = 0; i < spec.text.numLayers; i++) {
    const p = `model.layers.${i}`;
    const a = `${p}.self_attn`;
    layers.push({
      inputNorm: await dense(ctx, own, ckpt, `${p}.input_layernorm.weight`, opts),
      postNorm: await dense(ctx, own, ckpt, `${p}.post_attention_layernorm.weight`, opts),
      qkv: await matrix(`${a}.qkv`, [`${a}.q_proj.weight`, `${a}.k_proj.weight`, `${a}.v_proj.weight`]),
      qkvBias: await biasF32(ctx, own, ckpt, `${a}.qkv.bias`, [`${a}.q_proj.bias`, `${a}.k_proj.bias`, `${a}.v_proj.bias`]),
      o: await matrix(`${a}.o_proj`, [`${a}.o_proj.weight`]),
      gateUp: await matrix(`${p}.mlp.gate_up`, [`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`]),
      down: await matrix(`${p}.mlp.down_proj`, [`${p}.mlp.down_proj.weight`]),
    });
  }
  const norm = await dense(ctx, own, ckpt, 'model.norm.weight', opts);
  const out = outputProjectionName(spec);
  const lmHead = out === 'model.embed_tokens.weight' ? embed : await matrix('lm_head', [out]);
  return { embed, layers, norm, lmHead };
}

async function loadVision(ctx: GpuContext, own: Owner, ckpt: Checkpoint, spec: ModelSpec, opts: LoadWeightOptions): Promise<VisionWeights> {
  const m = (label: string, names: string[]) => fused16(ctx, own, ckpt, label, names, opts);
  const bias = (label: string, names: string[]) => biasF32(ctx, own, ckpt, label, names);
  const patchEmbed = await m('visual.patch_embed', ['visual.patch_embed.proj.weight']);
  const blocks: VisionBlockWeights[] = [];
  for (let i = 0; i < spec.vision.depth; i++) {
    const p = `visual.blocks.${i}`;
    blocks.push({
      norm1: await dense(ctx, own, ckpt, `${p}.norm1.weight`, opts),
      norm2: await dense(ctx, own, ckpt, `${p}.norm2.weight`, opts),
      qkv: await m(`${p}.attn.qkv`, [`${p}.attn.qkv.weight`]),
      qkvBias: await bias(`${p}.attn.qkv.bias`, [`${p}.attn.qkv.bias`]),
      proj: await m(`${p}.attn.proj`, [`${p}.attn.proj.weight`]),
      projBias: await bias(`${p}.attn.proj.bias`, [`${p}.attn.proj.bias`]),
      gateUp: await m(`${p}.mlp.gate_up`, [`${p}.mlp.gate_proj.weight`, `${p}.mlp.up_proj.weight`]),
      gateUpBias: await bias(`${p}.mlp.gate_up.bias`, [`${p}.mlp.gate_proj.bias`, `${p}.mlp.up_proj.bias`]),
      down: await m(`${p}.mlp.down_proj`, [`${p}.mlp.down_proj.weight`]),
      downBias: await bias(`${p}.mlp.down_proj.bias`, [`${p}.mlp.down_proj.bias`]),
    });
  }
  return {
    patchEmbed,
    blocks,
    lnQ: await dense(ctx, own, ckpt, 'visual.merger.ln_q.weight', opts),
    mlp0: await m('visual.merger.mlp.0', ['visual.merger.mlp.0.weight']),
    mlp0Bias: await bias('visual.merger.mlp.0.bias', ['visual.merger.mlp.0.bias']),
    mlp2: await m('visual.merger.mlp.2', ['visual.merger.mlp.2.weight']),
    mlp2Bias: await bias('visual.merger.mlp.2.bias', ['visual.merger.mlp.2.bias']),
  };
}

export async function loadModelWeights(ctx: GpuContext, ckpt: Checkpoint, opts: LoadWeightOptions): Promise<ModelWeights> {
  const own = new Owner();
  try {
    const vision = await loadVision(ctx, own, ckpt, ckpt.spec, opts);
    const text = await loadText(ctx, own, ckpt, ckpt.spec, opts);
    await ctx.device.queue.onSubmittedWorkDone();
    return { text, vision, bytes: own.bytes, destroy: () => own.destroy() };
  } catch (e) {
    own.destroy();
    throw e;
  }
}
