// The memory plan (ARCHITECTURE.md, principle 5): every GPU allocation a run needs, computed from the ModelSpec and
// the video setting before anything is downloaded, so the user can choose fewer frames or pixels instead of
// losing the device. Activations are planned at maximum shape for the chunk sizes the forward pass uses.
import type { ModelSpec } from '../../spec/model-spec';
import { weightStorageBytes, type WeightBytes } from '../../weights/storage-size';
import { q8ByteSize, type QuantFormat } from '../../weights/q8-scheme';

/** Patch rows the vision tower processes at once (whole temporal slices; attention never crosses them). */
export const VISION_CHUNK_ROWS = 8192;
/** Prompt rows per prefill pass (the attention kernel reads the earlier rows from the KV cache). */
export const PREFILL_CHUNK_ROWS = 1024;
/** Text tokens around the video in the demo prompt (system, question, Video-R2 suffix), with headroom. */
export const PROMPT_TEXT_TOKENS = 320;

export interface PlanInput {
  spec: ModelSpec;
  quantize: boolean;
  /** The quantized form when `quantize` is set (default q4). */
  quantFormat?: QuantFormat;
  kvCache: 'f16' | 'f32';
  video: { frames: number; height: number; width: number } | null;
  maxNewTokens: number;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export interface PlanLine {
  label: string;
  bytes: number;
}

export interface Plan {
  lines: PlanLine[];
  totalBytes: number;
  largestBufferBytes: number;
  largestBufferLabel: string;
  /** Context length the KV cache is sized for. */
  contextTokens: number;
  videoTokens: number;
  fits: boolean;
  advice: string | null;
}

const F32 = 4;

/** Vision grid of a video setting: temporal patches, patch rows and merged tokens. */
export function videoShape(spec: ModelSpec, video: { frames: number; height: number; width: number }) {
  const v = spec.vision;
  const t = Math.ceil(video.frames / v.temporalPatchSize);
  const h = video.height / v.patchSize;
  const w = video.width / v.patchSize;
  if (!Number.isInteger(h) || !Number.isInteger(w))
    throw new Error(`Frame size ${video.width}×${video.height} is not a multiple of the patch size ${v.patchSize}`);
  return { t, h, w, rows: t * h * w, sliceRows: h * w, tokens: (t * h * w) / v.mergeUnit };
}

/** Bytes of the widest activation row of each tower: the fused gate|up output. */
export const visionRowBytes = (spec: ModelSpec) => 2 * spec.vision.intermediateSize * F32;
export const textRowBytes = (spec: ModelSpec) => 2 * spec.text.intermediateSize * F32;

/** How many whole temporal slices the vision tower runs per chunk: ≤ VISION_CHUNK_ROWS rows, every buffer within one binding. */
export function visionChunkSlices(spec: ModelSpec, sliceRows: number, bindingLimit: number): number {
  const byBinding = Math.floor(bindingLimit / (visionRowBytes(spec) * sliceRows));
  if (byBinding < 1)
    throw new Error(
      `One frame pair (${sliceRows} patches) needs ${visionRowBytes(spec) * sliceRows} bytes of MLP activations, over this GPU's ${bindingLimit}-byte binding limit. Lower max_pixels.`,
    );
  return Math.max(1, Math.min(Math.floor(VISION_CHUNK_ROWS / sliceRows), byBinding));
}

/** Rows per prefill pass: equal chunks of at most PREFILL_CHUNK_ROWS, every buffer within one binding. */
export function prefillChunkRows(spec: ModelSpec, promptTokens: number, bindingLimit: number): number {
  const cap = Math.max(1, Math.min(PREFILL_CHUNK_ROWS, Math.floor(bindingLimit / textRowBytes(spec))));
  return Math.ceil(promptTokens / Math.ceil(promptTokens / cap));
}

/**
 * Weight bytes by tower and the largest weight buffer. storage-size.ts sizes the quantized tensors as q4; for q8
 * the same tensors (its 'q4' storage class) take q8's int8 codes and scales instead (q8-scheme.ts).
 */
export function planWeights(
  spec: ModelSpec,
  quantize: boolean,
  format: QuantFormat = 'q4',
): Pick<WeightBytes, 'vision' | 'text' | 'largest'> {
  const w = weightStorageBytes(spec, { quantize });
  if (!quantize || format === 'q4') return w;
  let text = 0;
  let largest = { name: '', bytes: 0 };
  for (const t of w.tensors) {
    const q8 = t.format === 'q4' ? q8ByteSize(t.shape[0]!, t.shape[1]!, t.name) : null;
    if (t.tower === 'text') text += q8 ? q8.total : t.bytes;
    const buffer = q8 ? q8.qweight : t.bytes;
    if (buffer > largest.bytes) largest = { name: t.name, bytes: buffer };
  }
  return { vision: w.vision, text, largest };
}

const BITS_LABEL = { q4: '4-bit', q8: '8-bit' } as const;

export function memoryPlan(input: PlanInput): Plan {
  const { spec, video } = input;
  const binding = Math.min(input.limits.maxBufferSize, input.limits.maxStorageBufferBindingSize);
  const tx = spec.text;
  const vs = spec.vision;
  const weights = planWeights(spec, input.quantize, input.quantFormat);
  const shape = video ? videoShape(spec, video) : null;
  const videoTokens = shape?.tokens ?? 0;
  const contextTokens = videoTokens + PROMPT_TEXT_TOKENS + input.maxNewTokens;
  const kvBytes = input.kvCache === 'f16' ? 2 : 4;

  const buffers: PlanLine[] = [];
  const lines: PlanLine[] = [
    {
      label: `Language model weights (${input.quantize ? BITS_LABEL[input.quantFormat ?? 'q4'] : '16-bit'})`,
      bytes: weights.text,
    },
    { label: 'Vision encoder weights (16-bit)', bytes: weights.vision },
  ];
  const kvPerLayer = contextTokens * tx.kvDim * kvBytes;
  lines.push({
    label: `KV cache (${contextTokens.toLocaleString('en-US')} tokens, ${input.kvCache})`,
    bytes: 2 * tx.numLayers * kvPerLayer,
  });
  buffers.push({ label: 'one layer’s K cache', bytes: kvPerLayer });

  if (shape) {
    const pixel = shape.rows * vs.patchDim * F32;
    const features = shape.tokens * vs.outHiddenSize * F32;
    lines.push({
      label: `Video input (${shape.rows.toLocaleString('en-US')} patches) and vision features`,
      bytes: pixel + features,
    });
    buffers.push({ label: 'pixel values', bytes: pixel }, { label: 'vision features', bytes: features });
    const rows = Math.min(shape.rows, visionChunkSlices(spec, shape.sliceRows, binding) * shape.sliceRows);
    // x, normed, attention out, projection out + qkv + gate/up, then the merger's concat and hidden.
    const visionAct =
      rows * (4 * vs.hiddenSize + 3 * vs.hiddenSize + 2 * vs.intermediateSize) * F32 +
      (rows / vs.mergeUnit) * 2 * vs.mergerHidden * F32;
    lines.push({ label: `Vision activations (${rows.toLocaleString('en-US')}-row chunks)`, bytes: visionAct });
    buffers.push({ label: 'vision MLP activations', bytes: rows * visionRowBytes(spec) });
  }

  const promptRows = prefillChunkRows(spec, videoTokens + PROMPT_TEXT_TOKENS, binding);
  const textAct =
    promptRows * (3 * tx.hiddenSize + tx.qDim + 2 * tx.kvDim + 2 * tx.intermediateSize) * F32 + tx.vocabSize * F32 * 2;
  lines.push({
    label: `Text activations (${promptRows.toLocaleString('en-US')}-row prefill chunks) and logits`,
    bytes: textAct,
  });
  buffers.push({ label: 'text MLP activations', bytes: promptRows * textRowBytes(spec) });

  const totalBytes = lines.reduce((a, l) => a + l.bytes, 0);
  // Weights are split by rows to fit bindings; activations and caches must each fit one buffer.
  const largest = [...buffers, { label: weights.largest.name, bytes: weights.largest.bytes }].reduce((a, b) =>
    b.bytes > a.bytes ? b : a,
  );
  const tooBig = buffers.filter(
    (b) => b.bytes > Math.min(input.limits.maxBufferSize, input.limits.maxStorageBufferBindingSize),
  );
  const fits = tooBig.length === 0;
  return {
    lines,
    totalBytes,
    largestBufferBytes: largest.bytes,
    largestBufferLabel: largest.label,
    contextTokens,
    videoTokens,
    fits,
    advice: fits
      ? null
      : `The ${tooBig.map((b) => b.label).join(' and ')} would not fit in one GPU buffer on this device. Use fewer frames or a lower max_pixels.`,
  };
}
