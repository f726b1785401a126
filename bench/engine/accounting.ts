// What a step has to do, counted from the model's shapes: bytes a decode token reads (the memory-bound figure of
// ARCHITECTURE.md §11) and FLOPs of a prefill chunk or a vision-tower pass (the compute-bound figure). Pure functions.
import type { ModelSpec } from '../../src/engine/spec/model-spec';
import { visionLayout } from '../../src/engine/model/qwen2_5_vl/vision-layout';
import { weightStorageBytes } from '../../src/engine/weights';

export interface DecodeBytes {
  /** Weights one decode step reads: every text tensor except embed_tokens, plus one embedding row. */
  weights: number;
  /** K and V of every layer over `context` positions. */
  kv: number;
  total: number;
}

/** Our engine: q4 with f16 scales (ARCHITECTURE.md §4), 16-bit norms and biases, KV cache of `kvBytes` per element. */
export function oursDecodeBytes(spec: ModelSpec, context: number, kvBytes: number): DecodeBytes {
  const w = weightStorageBytes(spec, { quantize: true });
  const embed = w.tensors.find((t) => t.name === 'model.embed_tokens.weight');
  if (!embed) throw new Error('accounting: no embed_tokens in the checklist');
  const weights = w.text - embed.bytes + embed.bytes / spec.text.vocabSize;
  return withKv(spec, weights, context, kvBytes);
}

/**
 * onnxruntime-web on the builder's graph: the same q4 nibbles with f32 scales (MatMulNBits' scale type follows the
 * f32 activations), f32 norms and biases, f32 KV cache.
 */
export function ortDecodeBytes(spec: ModelSpec, context: number): DecodeBytes {
  const t = spec.text;
  const q4 = (rows: number, cols: number) => (rows * cols) / 2 + ((rows * cols) / 32) * 4;
  const layer =
    q4(t.qDim + 2 * t.kvDim, t.hiddenSize) +
    q4(t.hiddenSize, t.qDim) +
    2 * q4(t.intermediateSize, t.hiddenSize) +
    q4(t.hiddenSize, t.intermediateSize);
  const small = 4 * (2 * t.hiddenSize + t.qDim + 2 * t.kvDim);
  const weights =
    t.numLayers * (layer + small) + q4(t.vocabSize, t.hiddenSize) + 4 * t.hiddenSize + q4(1, t.hiddenSize);
  return withKv(spec, weights, context, 4);
}

function withKv(spec: ModelSpec, weights: number, context: number, kvBytes: number): DecodeBytes {
  const t = spec.text;
  const kv = t.numLayers * 2 * t.numKvHeads * t.headDim * context * kvBytes;
  return { weights, kv, total: weights + kv };
}

/**
 * FLOPs of a causal prefill of `rows` tokens after `past` cached ones: the linears (2 per multiply-add), attention
 * (q·k and p·v over each row's visible keys), and `lmHeadRows` rows of lm_head.
 */
export function textPrefillFlops(spec: ModelSpec, rows: number, past: number, lmHeadRows: number): number {
  const t = spec.text;
  const perRow =
    t.hiddenSize * (t.qDim + 2 * t.kvDim) +
    t.qDim * t.hiddenSize +
    t.hiddenSize * 2 * t.intermediateSize +
    t.intermediateSize * t.hiddenSize;
  // Σ over rows i of (past + i + 1) visible keys.
  const keys = rows * past + (rows * (rows + 1)) / 2;
  const attention = 4 * t.headDim * t.numHeads * keys;
  return t.numLayers * (2 * rows * perRow + attention) + 2 * lmHeadRows * t.hiddenSize * t.vocabSize;
}

export interface VisionFlops {
  patches: number;
  linear: number;
  attention: number;
  total: number;
}

/** FLOPs of the vision tower on a t×h×w patch grid: patch embedding, blocks (windowed or full attention), merger. */
export function visionFlops(spec: ModelSpec, grid: { t: number; h: number; w: number }): VisionFlops {
  const v = spec.vision;
  const C = v.hiddenSize;
  const I = v.intermediateSize;
  const N = grid.t * grid.h * grid.w;
  const layout = visionLayout(grid, v.spatialMergeSize, v.windowMergedTokens);
  const sumSquares = (cu: Int32Array) => {
    let s = 0;
    for (let i = 1; i < cu.length; i++) s += (cu[i]! - cu[i - 1]!) ** 2;
    return s;
  };
  const full = new Set(v.fullAttentionBlocks);
  let attention = 0;
  for (let b = 0; b < v.depth; b++)
    attention += 4 * C * sumSquares(full.has(b) ? layout.cuSeqlens : layout.cuWindowSeqlens);
  const block = 2 * N * (C * 3 * C + C * C + C * 2 * I + I * C);
  const merger = 2 * (N / v.mergeUnit) * (v.mergerHidden * v.mergerHidden + v.mergerHidden * v.outHiddenSize);
  const linear = 2 * N * v.patchDim * C + v.depth * block + merger;
  return { patches: N, linear, attention, total: linear + attention };
}
