// One video on the GPU: its preprocessor (resized frames → pixel_values chunks) and the vision tower's output for
// the loaded model. Lifecycle: create (buffers allocated for `frames` frames) → pushFrame in order → finish (all
// frames on the GPU, the session is ready) → visionFeatures (encoded once per model, kept until dropFeatures or a
// new model) → destroy (everything freed; the engine does this when the next video begins).
import type { GpuContext } from './gpu/device';
import type { GpuTensor } from './gpu/tensor';
import { EngineFailure } from './engine-failure';
import { createPreprocessor, type Preprocessor } from './kernels/preprocess/preprocessor';
import type { VideoProcessorValues } from './kernels/preprocess/normalize-lut';
import { parseModelSpec } from './spec/parse-config';
import { KNOWN_CONFIGS } from './spec/known-configs';
import type { ModelSpec } from './spec/model-spec';
import type { Qwen25VL } from './model/qwen2_5_vl/model';

/**
 * Qwen2.5-VL's processor values, read from the bundled 7B preprocessor_config.json (every published checkpoint
 * uses them). Pixel values are made before a model is chosen, so a model asking for others is refused.
 */
export const QWEN_PROCESSOR: VideoProcessorValues = parseModelSpec(KNOWN_CONFIGS['qwen2.5-vl-7b']).preprocessor;

export interface VideoShape {
  id: string;
  frames: number;
  /** The resized frame size (smart_resize's target). */
  height: number;
  width: number;
  secondPerGridTs: number;
}

export class VideoSession {
  readonly id: string;
  readonly secondPerGridTs: number;
  private readonly frames: number;
  private readonly preprocessor: Preprocessor;
  private ready = false;
  /** Vision-tower output for one model (dropped when the model changes). */
  private features: { model: Qwen25VL; tensor: GpuTensor } | null = null;

  constructor(
    private readonly ctx: GpuContext,
    shape: VideoShape,
  ) {
    this.id = shape.id;
    this.frames = shape.frames;
    this.secondPerGridTs = shape.secondPerGridTs;
    this.preprocessor = createPreprocessor(ctx, {
      targetHeight: shape.height,
      targetWidth: shape.width,
      frames: shape.frames,
      processor: QWEN_PROCESSOR,
      label: `video.${shape.id}`,
    });
  }

  /** video_grid_thw. */
  get grid(): { t: number; h: number; w: number } {
    return this.preprocessor.grid;
  }

  /** Resizes frame `index` (frames must come in order) and resolves with the resized RGBA for the strip. */
  async pushFrame(
    index: number,
    rgba: Uint8Array,
    width: number,
    height: number,
  ): Promise<{ width: number; height: number; rgba: ArrayBuffer }> {
    const expected = this.preprocessor.framesPushed;
    if (index !== expected)
      throw new EngineFailure('bad-video', `Frame ${index} arrived out of order (expected ${expected}).`);
    const out = await this.preprocessor.pushFrame(rgba, width, height);
    return { width: out.width, height: out.height, rgba: out.rgba.buffer as ArrayBuffer };
  }

  /** Waits for the last frame's GPU work; from then on the session can be answered about. */
  async finish(): Promise<{ grid: { t: number; h: number; w: number }; videoTokens: number }> {
    const pushed = this.preprocessor.framesPushed;
    if (pushed !== this.frames)
      throw new EngineFailure('bad-video', `Only ${pushed} of ${this.frames} frames arrived.`);
    await this.ctx.device.queue.onSubmittedWorkDone();
    this.ready = true;
    const g = this.grid;
    // No model yet: the token count comes from the processor values the pixels were made with.
    return { grid: g, videoTokens: (g.t * g.h * g.w) / (QWEN_PROCESSOR.mergeSize * QWEN_PROCESSOR.mergeSize) };
  }

  /**
   * The vision tower's output for `model`, encoded on first use and kept for the next question; `encodeMs` is 0
   * when the kept features were reused.
   */
  async visionFeatures(
    model: Qwen25VL,
    onProgress: (done: number, total: number) => void,
  ): Promise<{ tensor: GpuTensor; encodeMs: number }> {
    if (!this.ready) throw new EngineFailure('bad-video', 'The video is still being prepared.');
    checkProcessor(model.spec);
    if (this.features?.model === model) return { tensor: this.features.tensor, encodeMs: 0 };
    this.dropFeatures();
    const t0 = performance.now();
    const tensor = await model.encodeVideo(this.grid, this.preprocessor.chunks, onProgress);
    this.features = { model, tensor };
    return { tensor, encodeMs: performance.now() - t0 };
  }

  /** Frees the vision features (their model is being unloaded); the pixel values stay. */
  dropFeatures(): void {
    this.features?.tensor.buffer.destroy();
    this.features = null;
  }

  /** Frees every GPU buffer of this video. */
  destroy(): void {
    this.preprocessor.destroy();
    this.dropFeatures();
  }
}

/** Pixel values were made with QWEN_PROCESSOR; a checkpoint asking for other values cannot use them. */
function checkProcessor(spec: ModelSpec): void {
  const p = spec.preprocessor;
  const same = (a: readonly number[], b: readonly number[]) => a.every((x, i) => Math.fround(x) === Math.fround(b[i]!));
  const q = QWEN_PROCESSOR;
  if (
    !same(p.imageMean, q.imageMean) ||
    !same(p.imageStd, q.imageStd) ||
    Math.fround(p.rescaleFactor) !== Math.fround(q.rescaleFactor) ||
    p.patchSize !== q.patchSize ||
    p.temporalPatchSize !== q.temporalPatchSize ||
    p.mergeSize !== q.mergeSize
  ) {
    throw new EngineFailure(
      'bad-model',
      'This checkpoint’s preprocessor_config.json differs from Qwen2.5-VL’s (mean, std, rescale or patch sizes); it is not supported.',
    );
  }
}
