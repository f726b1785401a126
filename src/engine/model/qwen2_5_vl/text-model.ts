// The Qwen2.5 language model on GPU (docs/model.md §4): embeddings (+ video rows), 28 decoder layers with M-RoPE and
// a KV cache, the final norm and lm_head. Reads like the model card: `layerOps` is one decoder layer as a flat list
// of named kernels. One activation plan, for the largest chunk, is reused (ARCHITECTURE.md, principle 3).
import type { GpuContext } from '../../gpu/device';
import type { KernelOp } from '../../gpu/dispatch';
import { createTensor, freeTensor, type GpuTensor } from '../../gpu/tensor';
import { swigluFused } from '../../kernels/activations';
import { attentionDecode, createDecodeScratch } from '../../kernels/attention-decode';
import { attentionPrefill } from '../../kernels/attention-prefill';
import { embedGather, injectRows } from '../../kernels/embed';
import { createKvCacheLayer, type KvCacheLayer, type KvDtype } from '../../kernels/kv-cache';
import { linear } from '../../kernels/linear';
import { rmsnorm, rmsnormResidual } from '../../kernels/rmsnorm';
import { ropeInvFreqTensor } from '../../kernels/rope-freq';
import { ropeTextKvAppend } from '../../kernels/rope-text';
import { denseRows, fusedQkvRows } from '../../kernels/row-view';
import type { TextSpec } from '../../spec/model-spec';
import type { TextWeights } from './load-weights';
import { DecodePass, PrefillPass, type DecoderLayer } from './text-passes';

/** Activation buffers for chunks of up to `rows` tokens. */
class Activations {
  readonly x: GpuTensor;
  readonly normed: GpuTensor;
  readonly tmp: GpuTensor;
  readonly qkv: GpuTensor;
  readonly q: GpuTensor;
  readonly attn: GpuTensor;
  readonly gateUp: GpuTensor;
  readonly act: GpuTensor;

  constructor(
    private readonly ctx: GpuContext,
    label: string,
    t: TextSpec,
    readonly rows: number,
  ) {
    const make = (name: string, cols: number) => createTensor(ctx, `${label}.${name}`, 'f32', [rows, cols], 0, true);
    this.x = make('residual', t.hiddenSize);
    this.normed = make('normed', t.hiddenSize);
    this.tmp = make('branch_out', t.hiddenSize);
    this.qkv = make('qkv', t.qDim + 2 * t.kvDim);
    this.q = make('q_rotated', t.qDim);
    this.attn = make('attn_out', t.qDim);
    this.gateUp = make('gate_up', 2 * t.intermediateSize);
    this.act = make('mlp_act', t.intermediateSize);
  }

  destroy(): void {
    for (const t of [this.x, this.normed, this.tmp, this.qkv, this.q, this.attn, this.gateUp, this.act])
      freeTensor(this.ctx, t);
  }
}

export interface TextModelOptions {
  /** KV cache length (prompt + new tokens). */
  maxContext: number;
  kvDtype: KvDtype;
  /** Largest prefill chunk. */
  maxPrefillRows: number;
}

export class TextModel {
  readonly kv: KvCacheLayer[];
  /** i32 [3, maxContext]: M-RoPE positions of every token (prompt from get_rope_index, then n + rope_delta). */
  readonly positions: GpuTensor;
  /** u32 token ids of the current prefill chunk, and the video-feature ordinal of each (NO_ROW for text). */
  readonly ids: GpuTensor;
  readonly ordinals: GpuTensor;
  /** f32 [1, hidden]: final-normed hidden state of the token whose logits come next. */
  readonly lastHidden: GpuTensor;
  readonly logits: GpuTensor;
  private readonly invFreq: GpuTensor;
  private readonly prefillAct: Activations;
  private readonly decodeAct: Activations;
  private readonly owned: GpuTensor[] = [];

  constructor(
    private readonly ctx: GpuContext,
    readonly spec: TextSpec,
    private readonly w: TextWeights,
    readonly options: TextModelOptions,
  ) {
    const t = spec;
    this.kv = w.layers.map((_, i) =>
      createKvCacheLayer(
        ctx,
        `layer${i}.attn`,
        { kvHeads: t.numKvHeads, headDim: t.headDim, maxLen: options.maxContext, dtype: options.kvDtype },
        true,
      ),
    );
    const pooled = (label: string, dtype: 'f32' | 'u32' | 'i32', shape: number[]) =>
      this.own(createTensor(ctx, label, dtype, shape, 0, true));
    this.positions = pooled('text.positions', 'i32', [3, options.maxContext]);
    this.ids = pooled('text.ids', 'u32', [options.maxPrefillRows]);
    this.ordinals = pooled('text.video_ordinals', 'u32', [options.maxPrefillRows]);
    this.lastHidden = pooled('text.last_hidden', 'f32', [1, t.hiddenSize]);
    this.logits = pooled('text.logits', 'f32', [t.vocabSize]);
    this.invFreq = this.own(ropeInvFreqTensor(ctx, 'text.rope_inv_freq', t.ropeTheta, t.headDim));
    this.prefillAct = new Activations(ctx, 'prefill', t, options.maxPrefillRows);
    this.decodeAct = new Activations(ctx, 'decode', t, 1);
  }

  /**
   * f32 [maxPrefillRows, hidden]: the prefill chunk's residual stream. After a whole prefill pass it holds the last
   * layer's output (the final norm adds the MLP branch in place); the single-layer 7B test reads it.
   */
  get prefillResidual(): GpuTensor {
    return this.prefillAct.x;
  }

  /** f32 [1, hidden]: the decode step's residual stream (after a whole step, the last layer's output). */
  get decodeResidual(): GpuTensor {
    return this.decodeAct.x;
  }

  private own(t: GpuTensor): GpuTensor {
    this.owned.push(t);
    return t;
  }

  /**
   * One decoder layer for `m` rows in `a` (Qwen2 decoder layer, docs/model.md §4.2). The input RMSNorm is fused with the
   * previous layer's residual add; `attention` builds the prefill or decode attention from q to its output rows.
   */
  private layer<A extends KernelOp>(
    i: number,
    a: Activations,
    m: number,
    attention: (q: GpuTensor, out: GpuTensor) => A,
  ): DecoderLayer<A> {
    const { ctx, spec: t } = this;
    const L = this.w.layers[i]!;
    const p = `layer${i}`;
    const eps = t.rmsNormEps;
    const views = fusedQkvRows(a.qkv, t.numHeads, t.numKvHeads, t.headDim);
    const ropeCfg = {
      heads: t.numHeads,
      kvHeads: t.numKvHeads,
      headDim: t.headDim,
      mropeSection: t.mropeSection,
      maxRows: m,
    };
    const rope = ropeTextKvAppend(ctx, `${p}.rope_kv_append`, ropeCfg, {
      ...views,
      positions: this.positions,
      invFreq: this.invFreq,
      qOut: a.q,
      cache: this.kv[i]!,
    });
    const attn = attention(a.q, a.attn);
    const ops = [
      i === 0
        ? rmsnorm(ctx, `${p}.input_layernorm`, { x: a.x, weight: L.inputNorm, y: a.normed, m, eps })
        : rmsnormResidual(ctx, `${p}.input_layernorm`, {
            h: a.x,
            delta: a.tmp,
            weight: L.inputNorm,
            y: a.normed,
            m,
            eps,
          }),
      linear(ctx, `${p}.qkv_proj`, { x: a.normed, weight: L.qkv, bias: L.qkvBias, y: a.qkv, m }),
      rope,
      attn,
      linear(ctx, `${p}.o_proj`, { x: a.attn, weight: L.o, y: a.tmp, m }),
      rmsnormResidual(ctx, `${p}.post_attention_layernorm`, {
        h: a.x,
        delta: a.tmp,
        weight: L.postNorm,
        y: a.normed,
        m,
        eps,
      }),
      linear(ctx, `${p}.mlp.gate_up_proj`, { x: a.normed, weight: L.gateUp, y: a.gateUp, m }),
      swigluFused(ctx, `${p}.mlp.act`, { gateUp: a.gateUp, out: a.act, m, cols: t.intermediateSize }),
      linear(ctx, `${p}.mlp.down_proj`, { x: a.act, weight: L.down, y: a.tmp, m }),
    ];
    return { ops, rope, attention: attn };
  }

  /** After the last layer: h += mlp out; normed = norm(h). */
  private finalNorm(a: Activations, m: number): KernelOp {
    return rmsnormResidual(this.ctx, 'model.norm', {
      h: a.x,
      delta: a.tmp,
      weight: this.w.norm,
      y: a.normed,
      m,
      eps: this.spec.rmsNormEps,
    });
  }

  /** lm_head over `lastHidden` into `logits`. */
  lmHead(): KernelOp {
    return linear(this.ctx, 'lm_head', { x: this.lastHidden, weight: this.w.lmHead, y: this.logits, m: 1 });
  }

  /**
   * A prefill pass over chunks of exactly `rows` ids (the last chunk may use fewer): embed, inject video rows,
   * all layers, final norm. Video features: f32 [videoTokens, hidden] in raster order.
   */
  buildPrefill(rows: number, features: GpuTensor | null): PrefillPass {
    const { ctx } = this;
    if (rows > this.options.maxPrefillRows)
      throw new Error(`prefill: ${rows} rows exceed the planned ${this.options.maxPrefillRows}`);
    const { spec: t } = this;
    const a = this.prefillAct;
    const attnCfg = { heads: t.numHeads, kvHeads: t.numKvHeads, headDim: t.headDim, maxRows: rows };
    const layers = this.w.layers.map((_, i) =>
      this.layer(i, a, rows, (q, out) =>
        attentionPrefill(ctx, `layer${i}.attn`, attnCfg, { q: denseRows(q), cache: this.kv[i]!, out: denseRows(out) }),
      ),
    );
    const ops = [
      embedGather(ctx, 'model.embed_tokens', { ids: this.ids, table: this.w.embed, out: a.x, m: rows }),
      ...(features
        ? [injectRows(ctx, 'model.video_rows', { ordinals: this.ordinals, features, out: a.x, m: rows })]
        : []),
      ...layers.flatMap((l) => l.ops),
      this.finalNorm(a, rows),
    ];
    return new PrefillPass({ ops, layers, normed: a.normed, lastHidden: this.lastHidden }, t.hiddenSize);
  }

  /**
   * One decode step: embed the id the sampler left in `idSource` (u32, first element), all layers, final norm,
   * into `lastHidden`. Layer `tapLayer` (null: none) gets the attention-tap exports.
   */
  buildDecode(idSource: GpuTensor, tapLayer: number | null): DecodePass {
    const { ctx, spec: t } = this;
    const a = this.decodeAct;
    const scratch = createDecodeScratch(
      ctx,
      'decode.attn_scratch',
      t.numHeads,
      t.headDim,
      this.options.maxContext,
      true,
    );
    const layers = this.w.layers.map((_, i) =>
      this.layer(i, a, 1, (q, out) =>
        attentionDecode(
          ctx,
          `layer${i}.attn`,
          { heads: t.numHeads, kvHeads: t.numKvHeads, headDim: t.headDim, tap: i === tapLayer },
          { q: denseRows(q), cache: this.kv[i]!, out: denseRows(out), scratch },
        ),
      ),
    );
    const ops = [
      embedGather(ctx, 'model.embed_tokens', { ids: idSource, table: this.w.embed, out: a.x, m: 1 }),
      ...layers.flatMap((l) => l.ops),
      this.finalNorm(a, 1),
    ];
    const tapped = tapLayer === null ? null : layers[tapLayer]!.attention;
    return new DecodePass({ ops, layers, normed: a.normed, lastHidden: this.lastHidden }, tapped, () =>
      [scratch.partO, scratch.partMl].forEach((x) => freeTensor(ctx, x)),
    );
  }

  /** Writes position columns [col, col + positions[0].length). */
  writePositions(col: number, rows: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>]): void {
    const P = this.options.maxContext;
    rows.forEach((r, axis) =>
      this.ctx.device.queue.writeBuffer(this.positions.buffer, (axis * P + col) * 4, Int32Array.from(r)),
    );
  }

  destroy(): void {
    for (const kv of this.kv) {
      freeTensor(this.ctx, kv.k);
      freeTensor(this.ctx, kv.v);
    }
    for (const t of this.owned) freeTensor(this.ctx, t);
    this.prefillAct.destroy();
    this.decodeAct.destroy();
  }
}
