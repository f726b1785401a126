// The engine façade the worker drives: one GPU device, the loaded model and the current video. Loading and the
// OPFS cache are here; a video's GPU buffers live in video-session.ts, answering in answer.ts. GPU work runs under
// guardGpu, so its validation and out-of-memory errors surface as failures of the request that caused them.
// A lost device (driver reset, GPUDevice.destroy()) fails the request in flight with code 'gpu-lost'; the next load
// or video acquires a new device (ARCHITECTURE.md §12, "Device loss").
import { acquireGpu, deviceLost, guardGpu, type GpuContext } from './gpu/device';
import { EngineFailure } from './engine-failure';
import { modelSummary } from './model-summary';
import { VideoSession } from './video-session';
import { answer, type AnswerOutcome, type GenerateCallbacks, type ProgressFn } from './answer';
import { parseModelSpec } from './spec/parse-config';
import { KNOWN_CONFIGS, type KnownArchitecture } from './spec/known-configs';
import type { ModelSpec } from './spec/model-spec';
import { memoryPlan } from './model/qwen2_5_vl/memory-plan';
import { openSource, stripSharedFolder } from './sources';
import type {
  GenerationParams,
  GpuSummary,
  LoadOptions,
  MemoryPlan,
  ModelSource,
  ModelSummary,
  PhaseName,
  PlanVideo,
  PromptParts,
} from '../protocol/engine';
import { openCheckpoint } from './weights/checkpoint';
import { WeightCache } from './weights/cache/weight-cache';
import { weightsDigest, type CacheManifest } from './weights/cache/manifest';
import { loadQuantizedFolder, loadThroughCache } from './model/qwen2_5_vl/cached-load';
import { isQuantizedFolder, openQuantizedFolder } from './weights/export/quantized-folder';
import type { CachedModel } from './weights/cache/cached-model';
import { Q8_SCHEME } from './weights/q8-scheme';
import { Qwen25VL } from './model/qwen2_5_vl/model';
import type { Checkpoint } from './weights/checkpoint';

/** Said while and after loading from a host that answers Range requests with the whole file. */
const NO_RANGE_NOTE =
  'This host ignores HTTP Range requests, so the files are streamed whole: an interrupted download from it starts over.';

interface LoadedModel {
  id: string;
  model: Qwen25VL;
  options: LoadOptions;
}

/** The steps of the engine's work, as a device loss names them. */
export type EngineStage = 'load' | 'preprocess' | 'vision' | 'prefill' | 'decode';

export interface EngineOptions {
  /**
   * Test hook (production passes none): asked as each step of a stage begins (load progress event, frame, vision,
   * prefill, decode step); returning true destroys the device there, a forced device loss.
   */
  loseDeviceAt?: (stage: EngineStage, index: number) => boolean;
}

/** What the engine was doing, in words, per stage (the device-loss message quotes it). */
const DOING: Record<EngineStage, (index: number) => string> = {
  load: () => 'loading the model',
  preprocess: (i) => `preparing the video (frame ${i + 1})`,
  vision: () => 'running the vision tower',
  prefill: () => 'reading the prompt (prefill)',
  decode: (i) => `generating token ${i + 1}`,
};

export class Engine {
  private video: VideoSession | null = null;
  private loaded: LoadedModel | null = null;
  private readonly specCache = new Map<string, Promise<ModelSpec>>();
  private current: GpuContext;
  /** Set when the current device is lost: what was running then, and the message every later request gets. */
  private lost: { message: string } | null = null;
  private doing: string | null = null;

  private constructor(
    private readonly gpu: GPU | undefined,
    ctx: GpuContext,
    private readonly onLost: (message: string) => void,
    private readonly options: EngineOptions,
  ) {
    this.current = ctx;
    this.watch(ctx);
  }

  /** `onLost` hears of every device loss at once (the request in flight, if any, also fails with 'gpu-lost'). */
  static async create(
    gpu: GPU | undefined,
    onLost: (message: string) => void,
    options: EngineOptions = {},
  ): Promise<Engine> {
    return new Engine(gpu, await acquireGpu(gpu, { label: 'video-r2' }), onLost, options);
  }

  /** The current device (a new one after a loss, once a load or a video needed it). */
  get ctx(): GpuContext {
    return this.current;
  }

  private watch(ctx: GpuContext): void {
    void ctx.lost.then((info) => {
      if (ctx !== this.current) return;
      const during = this.doing ? ` while ${this.doing}` : '';
      const reason = info.message || (info.reason === 'destroyed' ? 'the device was destroyed' : 'no reason given');
      this.lost = {
        message:
          `The GPU device was lost${during} (${reason}). Files on disk and this browser’s model cache are untouched: ` +
          'run again to load the model onto a new device and retry. If it happens again, use fewer frames, a lower ' +
          'max_pixels or the 4-bit weights, and close other GPU-heavy tabs.',
      };
      this.onLost(this.lost.message);
    });
  }

  /** After a loss: a new adapter and device; what lived on the old one (model, video) is gone with it. */
  private async freshDevice(): Promise<GpuContext> {
    if (this.lost) {
      this.video = null;
      this.loaded = null;
      this.current = await acquireGpu(this.gpu, { label: 'video-r2' });
      this.lost = null;
      this.watch(this.current);
    }
    return this.current;
  }

  /** Enters a step of a stage: said in a device-loss message, and the test hook may lose the device here. */
  private step(stage: EngineStage, index: number): void {
    this.doing = DOING[stage](index);
    if (this.options.loseDeviceAt?.(stage, index)) this.current.device.destroy();
  }

  /**
   * Runs GPU work under guardGpu. A failure on a device that turns out to be lost becomes 'gpu-lost' with what was
   * running (the lost device's own errors are noise), and so does work that "succeeded" on a lost device.
   */
  private async onGpu<T>(what: string, fn: (ctx: GpuContext) => Promise<T>): Promise<T> {
    const ctx = this.current;
    if (this.lost) throw new EngineFailure('gpu-lost', this.lost.message);
    this.doing = what.charAt(0).toLowerCase() + what.slice(1);
    try {
      const out = await guardGpu(ctx, what, () => fn(ctx));
      if (ctx !== this.current || this.lost) throw this.lostFailure();
      return out;
    } catch (e) {
      if (e instanceof EngineFailure && e.code === 'cancelled') throw e;
      if (ctx !== this.current || this.lost || (await deviceLost(ctx))) throw this.lostFailure();
      throw e;
    } finally {
      this.doing = null;
    }
  }

  private lostFailure(): EngineFailure {
    return new EngineFailure('gpu-lost', this.lost?.message ?? 'The GPU device was lost: run again to retry.');
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

  /**
   * The ModelSpec a memory plan needs, from the source's config.json alone (cached per source): the plan depends
   * on no other file, and a failure the plan's note reports is then always config.json's.
   */
  private spec(source: ModelSource): Promise<ModelSpec> {
    // The loaded model's own spec: no request (a model loaded from the cache plans offline).
    if (this.loaded?.id === source.id) return Promise.resolve(this.loaded.model.spec);
    const key = source.kind === 'url' ? `url:${source.baseUrl}` : `files:${source.id}:${source.files.length}`;
    let p = this.specCache.get(key);
    if (!p) {
      p = (async () => {
        const folder = await this.quantizedFolder(source);
        return parseModelSpec({ config: await (folder?.files ?? openSource(source)).readText('config.json') });
      })();
      p.catch(() => this.specCache.delete(key));
      this.specCache.set(key, p);
    }
    return p;
  }

  async plan(
    source: ModelSource,
    options: LoadOptions,
    video: PlanVideo | null,
    maxNewTokens: number,
    fallback: KnownArchitecture | null,
  ): Promise<MemoryPlan> {
    let spec: ModelSpec;
    let note: string | null = null;
    if (fallback) {
      // A catalog model not yet loaded: its bundled config answers, so choosing it makes no request to the Hub.
      spec = parseModelSpec(KNOWN_CONFIGS[fallback]);
      note =
        'Computed from the bundled Qwen2.5-VL-7B config.json; the checkpoint’s own config.json is read when you press Load.';
    } else {
      spec = await this.spec(source);
    }
    const p = memoryPlan({
      spec,
      quantize: options.quantization !== 'none',
      ...(options.quantization === 'q8' ? { quantFormat: 'q8' as const } : {}),
      kvCache: options.kvCache,
      video,
      maxNewTokens,
      limits: this.ctx.limits,
    });
    return {
      lines: p.lines,
      totalBytes: p.totalBytes,
      largestBufferBytes: p.largestBufferBytes,
      fits: p.fits,
      advice: p.advice,
      note,
    };
  }

  /** Loads a checkpoint (or its cached copy); `signal` cancels the download and frees what was loaded. */
  load(
    source: ModelSource,
    options: LoadOptions,
    progress: ProgressFn,
    signal?: AbortSignal,
  ): Promise<{ model: ModelSummary; fromCache: boolean }> {
    // The model that works stays loaded (and usable) until the new one's config and files have been read; the
    // first weights/cache progress event tells the store it was dropped (dropPrevious).
    return this.freshDevice().then(() => {
      const previous = this.loaded;
      let events = 0;
      const stepped: ProgressFn = (...event) => {
        this.step('load', events++);
        progress(...event);
      };
      return this.onGpu('Loading the model', () => this.loadUnguarded(source, options, stepped, signal)).catch(
        (e: unknown) => {
          if (this.loaded !== previous) this.unload(); // a half-loaded model must not stay on the GPU
          if (signal?.aborted) throw new EngineFailure('cancelled', 'Loading was cancelled.');
          throw e;
        },
      );
    });
  }

  private async loadUnguarded(
    source: ModelSource,
    options: LoadOptions,
    progress: ProgressFn,
    signal?: AbortSignal,
  ): Promise<{ model: ModelSummary; fromCache: boolean }> {
    // A quantized folder (a cache entry's files, docs/quantized-folder.md) loads like the cache, from its files,
    // in the scheme it was written with.
    const folder = await this.quantizedFolder(source);
    if (folder) {
      const quantization = folder.manifest.quantization?.id === Q8_SCHEME.id ? 'q8' : 'q4';
      const model = await loadQuantizedFolder(
        this.ctx,
        folder,
        `The quantized folder ${source.id.replace(/^local:/, '')}`,
        {
          progress,
          dropPrevious: (phase, total) => this.dropPrevious(progress, phase, total),
          ...(signal ? { signal } : {}),
        },
      );
      this.loaded = { id: source.id, model, options: { ...options, quantization } };
      const weightsHash = await weightsDigest(folder.manifest);
      return { fromCache: false, model: modelSummary(source.id, model, { quantization, weightsHash, warnings: [] }) };
    }
    const quantize = options.quantization !== 'none';
    const quantFormat = options.quantization === 'q8' ? 'q8' : 'q4';
    // Only quantized downloads are cached: a local folder is already on disk, and 16-bit weights would double it.
    const cacheable = options.useCache && quantize && source.kind === 'url';
    const cache = cacheable ? await WeightCache.open().catch(() => null) : null;
    const identity = { modelId: source.id, revision: (source.kind === 'url' ? source.revision : null) ?? 'main' };
    let model: Qwen25VL;
    let fromCache = false;
    let manifest: CacheManifest | null = null;
    const warnings: string[] = [];
    // A silent link is said at once (the bar would otherwise just freeze); the next bytes replace the note.
    let last: [PhaseName, number, number] = ['config', 0, 1];
    const report: ProgressFn = (phase, done, total, detail, transfer) =>
      progress(...(last = [phase, done, total]), detail, transfer);
    const stall = {
      report: (idleMs: number): void =>
        progress(...last, `No data for ${Math.round(idleMs / 1000)} s: the connection stalled, retrying…`),
    };
    const open = (): Promise<Checkpoint> =>
      openCheckpoint(openSource(source, { onStall: (e) => stall.report(e.idleMs) }), signal ? { signal } : {});
    if (cache) {
      // Every q4/q8 download goes through the cache part by part: resumable, checked, and offline next time. The
      // scheme is part of the entry's key, so a model's q4 and q8 entries coexist.
      const r = await loadThroughCache(this.ctx, {
        cache,
        identity,
        quantFormat,
        openCheckpoint: open,
        progress: report,
        dropPrevious: (phase, total) => this.dropPrevious(progress, phase, total),
        stall,
        noRangeNote: NO_RANGE_NOTE,
        ...(signal ? { signal } : {}),
      });
      ({ model, fromCache, manifest } = r);
      warnings.push(...r.warnings);
    } else {
      progress('config', 0, 1);
      const checkpoint = await open();
      progress('config', 1, 1);
      this.dropPrevious(progress, quantize ? 'quantize' : 'weights', checkpoint.progress.bytesTotal);
      const noRange = (): boolean => checkpoint.source.rangeSupported === false;
      const loaded = await Qwen25VL.load(this.ctx, checkpoint, {
        quantize,
        quantFormat,
        ...(signal ? { signal } : {}),
        onProgress: (phase, done, total, detail) => report(phase, done, total, noRange() ? NO_RANGE_NOTE : detail),
      });
      model = loaded.model;
      if (noRange()) warnings.push(NO_RANGE_NOTE);
    }
    this.loaded = { id: source.id, model, options };
    // Only a cached entry has its weights hashed (per part, as written); other loads have no hash to name.
    const weightsHash = manifest ? await weightsDigest(manifest) : null;
    return {
      fromCache,
      model: modelSummary(source.id, model, { quantization: options.quantization, weightsHash, warnings }),
    };
  }

  /** The source as a quantized folder (manifest.json + part files + files/), or null when it is anything else. */
  private async quantizedFolder(source: ModelSource): Promise<CachedModel | null> {
    if (source.kind !== 'files') return null;
    const paths = stripSharedFolder(source.files.map((f) => f.path));
    const files = source.files.map((f, i) => ({ path: paths[i]!, file: f.file }));
    if (!isQuantizedFolder(files)) return null;
    return openQuantizedFolder(files, `local folder ${source.id.replace(/^local:/, '')}`);
  }

  /** Replaces the current video: the previous one's GPU buffers are freed first. */
  beginVideo(id: string, frames: number, height: number, width: number, secondPerGridTs: number): Promise<void> {
    return this.freshDevice().then(() =>
      this.onGpu('Preparing the video', async (ctx) => {
        this.video?.destroy();
        this.video = null;
        this.video = new VideoSession(ctx, { id, frames, height, width, secondPerGridTs });
      }),
    );
  }

  async pushFrame(
    id: string,
    index: number,
    width: number,
    height: number,
    rgba: Uint8Array,
  ): Promise<{ width: number; height: number; rgba: ArrayBuffer }> {
    const video = this.currentVideo(id);
    return await this.onGpu(`Resizing frame ${index + 1}`, () => {
      this.step('preprocess', index);
      return video.pushFrame(index, rgba, width, height);
    });
  }

  /** Every frame has arrived: from now on the video can be answered about. */
  async endVideo(id: string): Promise<{ grid: { t: number; h: number; w: number }; videoTokens: number }> {
    const video = this.currentVideo(id);
    return await this.onGpu('Preparing the video', () => video.finish());
  }

  /** `tapLayer`: the decoder layer whose attention is tapped when `attention` (null: the final layer). */
  generate(
    videoId: string,
    prompt: PromptParts,
    params: GenerationParams,
    attention: boolean,
    cb: GenerateCallbacks,
    tapLayer: number | null = null,
  ): Promise<AnswerOutcome> {
    return this.onGpu('Answering', () => {
      if (!this.loaded) throw new EngineFailure('not-loaded', 'Load a model first.');
      const { model, options } = this.loaded;
      const video = this.currentVideo(videoId);
      const stepped: GenerateCallbacks = { ...cb, onStage: (stage, index) => this.step(stage, index) };
      return answer({ model, kvCache: options.kvCache, video, prompt, params, attention, tapLayer }, stepped);
    });
  }

  /** Frees the previous model just before the new one's weights take GPU memory, and says so (phase, 0 done). */
  private dropPrevious(progress: ProgressFn, phase: PhaseName, totalBytes: number): void {
    this.unload();
    progress(phase, 0, totalBytes);
  }

  unload(): void {
    this.video?.dropFeatures();
    this.loaded?.model.destroy();
    this.loaded = null;
    this.ctx.pool.trim();
  }

  private currentVideo(id: string): VideoSession {
    if (this.lost) throw new EngineFailure('gpu-lost', this.lost.message);
    if (!this.video || this.video.id !== id)
      throw new EngineFailure('bad-video', `Video ${id} is not the current video (it was replaced).`);
    return this.video;
  }
}
