// A loaded Qwen2.5-VL checkpoint: weights on the GPU, the vision tower, the tokenizer, and generation.
import type { GpuContext } from '../../gpu/device';
import type { GpuTensor } from '../../gpu/tensor';
import type { KvDtype } from '../../kernels/kv-cache';
import type { QuantFormat } from '../../weights/q8-scheme';
import type { PixelValuesChunk } from '../../kernels/preprocess/preprocessor';
import type { ModelSpec } from '../../spec/model-spec';
import { QwenTokenizer } from '../../tokenizer/tokenizer';
import type { Checkpoint } from '../../weights/checkpoint';
import { generate, type GenerationHooks, type GenerationOutcome, type GenerationRequest } from './generate';
import { loadModelWeights, type MadeWeights, type ModelWeights } from './load-weights';
import { loadWeightsThroughCache, type CachingOptions } from './weight-cache';
import type { WeightSource } from '../../weights/source';
import type { VideoGridThw } from './rope-index';
import { VisionModel } from './vision-model';

export interface LoadProgressFn {
  (phase: 'weights' | 'quantize', done: number, total: number, detail?: string): void;
}

/** The tokenizer from the checkpoint's own files, checked against config.json's token ids. */
async function loadTokenizer(src: WeightSource, spec: ModelSpec): Promise<QwenTokenizer> {
  const [tokenizerJson, tokenizerConfig, chatTemplate] = await Promise.all([
    src.readText('tokenizer.json').then((t) => JSON.parse(t) as unknown),
    src.readText('tokenizer_config.json').then((t) => JSON.parse(t) as Record<string, unknown>),
    src
      .readTextOptional('chat_template.json')
      .then((t) => (t === null ? undefined : (JSON.parse(t) as { chat_template?: string }).chat_template)),
  ]);
  const tokenizer = QwenTokenizer.fromFiles({
    tokenizerJson,
    tokenizerConfig,
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
  });
  if (tokenizer.videoPadId !== spec.tokens.videoPad) {
    throw new Error(
      `The tokenizer's <|video_pad|> is ${tokenizer.videoPadId} but config.json says video_token_id ${spec.tokens.videoPad}.`,
    );
  }
  return tokenizer;
}

export class Qwen25VL {
  private constructor(
    private readonly ctx: GpuContext,
    readonly spec: ModelSpec,
    readonly tokenizer: QwenTokenizer,
    private readonly weights: ModelWeights,
    private readonly vision: VisionModel,
    readonly quantized: boolean,
    readonly weightBytes: number,
  ) {}

  /** Loads (and quantizes, when asked) from a checkpoint; `made` is what a cache writer stores. */
  static async load(
    ctx: GpuContext,
    ckpt: Checkpoint,
    opts: { quantize: boolean; quantFormat?: QuantFormat; signal?: AbortSignal; onProgress?: LoadProgressFn },
  ): Promise<{ model: Qwen25VL; made: MadeWeights }> {
    const tokenizer = await loadTokenizer(ckpt.source, ckpt.spec);
    const unsubscribe = ckpt.progress.subscribe((e) =>
      opts.onProgress?.(opts.quantize ? 'quantize' : 'weights', e.bytesDone, e.bytesTotal, e.tensor),
    );
    try {
      const weights = await loadModelWeights(ctx, ckpt, {
        quantize: opts.quantize,
        ...(opts.quantFormat ? { quantFormat: opts.quantFormat } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      return {
        model: new Qwen25VL(
          ctx,
          ckpt.spec,
          tokenizer,
          weights,
          new VisionModel(ctx, ckpt.spec, weights.vision),
          opts.quantize,
          weights.bytes,
        ),
        made: weights.made,
      };
    } finally {
      unsubscribe();
    }
  }

  /**
   * A q4 model through the browser cache: parts already cached (and intact) are uploaded from it, the rest are
   * fetched, quantized and cached part by part (weight-cache.ts). `files` serves config and tokenizer files.
   */
  static async throughCache(
    ctx: GpuContext,
    spec: ModelSpec,
    files: WeightSource,
    opts: CachingOptions,
  ): Promise<{ model: Qwen25VL; writeFailure: Error | null }> {
    const tokenizer = await loadTokenizer(files, spec);
    const weights = await loadWeightsThroughCache(ctx, spec, opts);
    const model = new Qwen25VL(
      ctx,
      spec,
      tokenizer,
      weights,
      new VisionModel(ctx, spec, weights.vision),
      true,
      weights.bytes,
    );
    return { model, writeFailure: weights.writeFailure };
  }

  encodeVideo(
    grid: VideoGridThw,
    pixels: readonly PixelValuesChunk[],
    onSlices?: (done: number, total: number) => void,
  ): Promise<GpuTensor> {
    return this.vision.encode(grid, pixels, onSlices);
  }

  generate(
    req: Omit<GenerationRequest, 'kvDtype'> & { kvDtype: KvDtype },
    hooks: GenerationHooks,
  ): Promise<GenerationOutcome> {
    return generate(this.ctx, this.spec, this.weights.text, req, hooks);
  }

  destroy(): void {
    this.vision.destroy();
    this.weights.destroy();
  }
}
