// The engine façade the worker drives: one GPU device, the current video's pixel values, and the loaded model.
import { acquireGpu, GpuUnavailableError, type GpuContext } from './gpu/device';
import { createPreprocessor, type Preprocessor } from './kernels/preprocess/preprocessor';
import type { VideoProcessorValues } from './kernels/preprocess/normalize-lut';
import { parseModelSpec } from './spec/parse-config';
import type { ModelSpec } from './spec/model-spec';
import { memoryPlan } from './model/qwen2_5_vl/memory-plan';
import { openSource } from './sources';
import type { GenerationParams, GpuSummary, LoadOptions, MemoryPlan, ModelSource, ModelSummary, PhaseName, PlanVideo, PromptParts, RunStats, AttentionTap, EngineErrorCode } from '../protocol/engine';
import { WeightsError } from './weights/errors';
import { ModelSpecError } from './spec/config-reader';

export class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineFailure';
  }

  /** Maps anything thrown inside the engine to a code the UI can act on. */
  static from(e: unknown): EngineFailure {
    if (e instanceof EngineFailure) return e;
    if (e instanceof GpuUnavailableError) return new EngineFailure('no-webgpu', e.message);
    if (e instanceof ModelSpecError) return new EngineFailure('bad-model', e.message);
    if (e instanceof WeightsError) return new EngineFailure(/fetch|network|HTTP|Range/i.test(e.message) ? 'network' : 'bad-model', e.message);
    const message = e instanceof Error ? e.message : String(e);
    if (/out of memory|OutOfMemory|allocation/i.test(message)) return new EngineFailure('out-of-memory', `The GPU ran out of memory: ${message}. Try fewer frames or a lower max_pixels.`);
    return new EngineFailure('internal', message);
  }
}

export type ProgressFn = (phase: PhaseName, done: number, total: number, detail?: string) => void;

export interface GenerateCallbacks {
  isCancelled(): boolean;
  onProgress: ProgressFn;
  onPrompt(p: { promptTokens: number; videoSpan: [number, number]; text: string }): void;
  onToken(t: { step: number; id: number; text: string; ms: number; attention?: AttentionTap }): void;
}

/** Qwen2.5-VL's processor values (every published checkpoint uses them); a model with others re-preprocesses. */
export const QWEN_PROCESSOR: VideoProcessorValues = {
  imageMean: [0.48145466, 0.4578275, 0.40821073],
  imageStd: [0.26862954, 0.26130258, 0.27577711],
  rescaleFactor: 1 / 255,
  patchSize: 14,
  temporalPatchSize: 2,
  mergeSize: 2,
};

interface VideoEntry {
  id: string;
  frames: number;
  height: number;
  width: number;
  secondPerGridTs: number;
  preprocessor: Preprocessor;
  ready: boolean;
}

export class Engine {
  private video: VideoEntry | null = null;
  private readonly specCache = new Map<string, Promise<ModelSpec>>();

  private constructor(readonly ctx: GpuContext) {}

  static async create(gpu: GPU | undefined, onLost: (message: string) => void): Promise<Engine> {
    const ctx = await acquireGpu(gpu, { label: 'video-r2' });
    void ctx.lost.then((info) => {
      if (info.reason !== 'destroyed') onLost(`The GPU device was lost (${info.message || 'no reason given'}). Reload the page; if it happens again, use fewer frames or the 4-bit weights.`);
    });
    return new Engine(ctx);
  }

  gpuSummary(): GpuSummary {
    const { ctx } = this;
    return {
      adapter: ctx.adapterDescription,
      shaderF16: ctx.features.shaderF16,
      subgroups: ctx.features.subgroups,
      subgroupSize: ctx.subgroupSize,
      maxBufferSize: ctx.limits.maxBufferSize,
      maxStorageBufferBindingSize: ctx.limits.maxStorageBufferBindingSize,
    };
  }

  /** The ModelSpec of a source, from its config files only (cached per source). */
  private spec(source: ModelSource): Promise<ModelSpec> {
    const key = source.kind === 'url' ? `url:${source.baseUrl}` : `files:${source.id}:${source.files.length}`;
    let p = this.specCache.get(key);
    if (!p) {
      p = (async () => {
        const src = openSource(source);
        const [config, generationConfig, preprocessorConfig] = await Promise.all([
          src.readText('config.json'),
          src.readTextOptional('generation_config.json'),
          src.readTextOptional('preprocessor_config.json'),
        ]);
        return parseModelSpec({ config, generationConfig, preprocessorConfig });
      })();
      p.catch(() => this.specCache.delete(key));
      this.specCache.set(key, p);
    }
    return p;
  }

  async plan(source: ModelSource, options: LoadOptions, video: PlanVideo | null, maxNewTokens: number): Promise<MemoryPlan> {
    const spec = await this.spec(source);
    const p = memoryPlan({ spec, quantize: options.quantization === 'q4', kvCache: options.kvCache, video, maxNewTokens, limits: this.ctx.limits });
    return { lines: p.lines, totalBytes: p.totalBytes, largestBufferBytes: p.largestBufferBytes, fits: p.fits, advice: p.advice };
  }

  async load(_source: ModelSource, _options: LoadOptions, _progress: ProgressFn): Promise<{ model: ModelSummary; fromCache: boolean }> {
    throw new EngineFailure('internal', 'Model loading is being wired up.');
  }

  beginVideo(id: string, frames: number, height: number, width: number, secondPerGridTs: number): void {
    this.video?.preprocessor.destroy();
    this.video = null;
    const preprocessor = createPreprocessor(this.ctx, { targetHeight: height, targetWidth: width, frames, processor: QWEN_PROCESSOR, label: `video.${id}` });
    this.video = { id, frames, height, width, secondPerGridTs, preprocessor, ready: false };
  }

  async pushFrame(id: string, index: number, width: number, height: number, rgba: Uint8Array): Promise<{ width: number; height: number; rgba: ArrayBuffer }> {
    const v = this.currentVideo(id);
    if (index !== v.preprocessor.framesPushed) throw new EngineFailure('bad-video', `Frame ${index} arrived out of order (expected ${v.preprocessor.framesPushed}).`);
    const out = await v.preprocessor.pushFrame(rgba, width, height);
    return { width: out.width, height: out.height, rgba: out.rgba.buffer as ArrayBuffer };
  }

  async endVideo(id: string): Promise<{ grid: { t: number; h: number; w: number }; videoTokens: number }> {
    const v = this.currentVideo(id);
    if (v.preprocessor.framesPushed !== v.frames) throw new EngineFailure('bad-video', `Only ${v.preprocessor.framesPushed} of ${v.frames} frames arrived.`);
    await this.ctx.device.queue.onSubmittedWorkDone();
    v.ready = true;
    const g = v.preprocessor.grid;
    return { grid: g, videoTokens: (g.t * g.h * g.w) / (QWEN_PROCESSOR.mergeSize * QWEN_PROCESSOR.mergeSize) };
  }

  async generate(_videoId: string, _prompt: PromptParts, _params: GenerationParams, _attention: boolean, _cb: GenerateCallbacks): Promise<{ reason: 'eos' | 'max-tokens' | 'cancelled'; stats: RunStats }> {
    throw new EngineFailure('not-loaded', 'Load a model first.');
  }

  unload(): void {}

  private currentVideo(id: string): VideoEntry {
    if (!this.video || this.video.id !== id) throw new EngineFailure('bad-video', `Video ${id} is not the current video (it was replaced).`);
    return this.video;
  }
}
