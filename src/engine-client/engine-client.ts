// The main thread's only door to the engine worker: promises and callbacks over the typed protocol.
import {
  transferablesOf,
  type AttentionTap,
  type CacheInfo,
  type EngineErrorCode,
  type EngineEvent,
  type EngineRequest,
  type GenerationParams,
  type GpuSummary,
  type LoadOptions,
  type MemoryPlan,
  type ModelSource,
  type ModelSummary,
  type PlanVideo,
  type PromptInfo,
  type ProgressInfo,
  type PromptParts,
  type RunStats,
  type VideoGrid,
} from '../protocol/engine';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export type Progress = ProgressInfo;

export interface TokenEvent {
  step: number;
  id: number;
  text: string;
  ms: number;
  attention?: AttentionTap;
}

export interface GenerateHandlers {
  onProgress?: (p: Progress) => void;
  onPrompt?: (p: PromptInfo) => void;
  onToken: (t: TokenEvent) => void;
}

export interface GenerateResult {
  reason: 'eos' | 'max-tokens' | 'cancelled';
  stats: RunStats;
}

type Pending = {
  resolve: (ev: EngineEvent) => void;
  reject: (err: EngineError) => void;
  /** Intermediate events (progress, tokens) for this request. */
  onEvent?: (ev: EngineEvent) => void;
  /** The event type that completes the request. */
  final: EngineEvent['type'];
};

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export class EngineClient {
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  private dead: EngineError | null = null;
  private readonly fatalListeners = new Set<(err: EngineError) => void>();
  private readonly lostListeners = new Set<(message: string) => void>();

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (e: MessageEvent<EngineEvent>) => this.onMessage(e.data));
    worker.addEventListener('error', (e) =>
      this.fail(new EngineError('internal', `The engine worker crashed: ${e.message || 'unknown error'}`)),
    );
  }

  static create(): EngineClient {
    return new EngineClient(
      new Worker(new URL('../worker/engine.worker.ts', import.meta.url), { type: 'module', name: 'engine' }),
    );
  }

  async init(): Promise<GpuSummary> {
    const ev = await this.request({ type: 'init' }, 'ready');
    return (ev as Extract<EngineEvent, { type: 'ready' }>).gpu;
  }

  /** Loads a model; `cancel()` stops the download (`done` then rejects with code 'cancelled'). */
  load(
    source: ModelSource,
    options: LoadOptions,
    onProgress?: (p: Progress) => void,
  ): { done: Promise<{ model: ModelSummary; fromCache: boolean }>; cancel: () => void } {
    const rid = this.nextRid;
    const done = this.request({ type: 'load', source, options }, 'loaded', (e) => {
      if (e.type === 'progress') onProgress?.(e);
    }).then((ev) => {
      const l = ev as Extract<EngineEvent, { type: 'loaded' }>;
      return { model: l.model, fromCache: l.fromCache };
    });
    return { done, cancel: () => this.post({ type: 'cancel', rid: this.nextRid++, target: rid }) };
  }

  /** The memory plan; `fallback` names a bundled architecture config to use if the checkpoint's cannot be read. */
  async plan(
    source: ModelSource,
    options: LoadOptions,
    video: PlanVideo | null,
    maxNewTokens: number,
    fallback: 'qwen2.5-vl-7b' | null = null,
  ): Promise<MemoryPlan> {
    const ev = (await this.request(
      { type: 'plan', source, options, video, maxNewTokens, fallback },
      'plan',
    )) as Extract<EngineEvent, { type: 'plan' }>;
    return ev.plan;
  }

  /** Starts preprocessing a video of `frames` frames resized to height × width (from smart_resize). */
  async beginVideo(
    videoId: string,
    frames: number,
    height: number,
    width: number,
    secondPerGridTs: number,
  ): Promise<void> {
    await this.request({ type: 'video-begin', videoId, frames, height, width, secondPerGridTs }, 'ok');
  }

  /** Sends one native-resolution RGBA frame (transferred); resolves with the resized frame the model sees. */
  async pushFrame(
    videoId: string,
    index: number,
    width: number,
    height: number,
    rgba: ArrayBuffer,
  ): Promise<{ width: number; height: number; rgba: ArrayBuffer }> {
    const ev = (await this.request(
      { type: 'video-frame', videoId, index, width, height, rgba },
      'frame-preview',
    )) as Extract<EngineEvent, { type: 'frame-preview' }>;
    return { width: ev.width, height: ev.height, rgba: ev.rgba };
  }

  async endVideo(videoId: string): Promise<{ grid: VideoGrid; videoTokens: number }> {
    const ev = (await this.request({ type: 'video-end', videoId }, 'video-ready')) as Extract<
      EngineEvent,
      { type: 'video-ready' }
    >;
    return { grid: ev.grid, videoTokens: ev.videoTokens };
  }

  /** Streams a generation. `cancel()` stops it between decode steps; `done` then resolves with reason 'cancelled'. */
  generate(
    videoId: string,
    prompt: PromptParts,
    params: GenerationParams,
    attention: boolean,
    handlers: GenerateHandlers,
    tapLayer: number | null = null,
  ): { done: Promise<GenerateResult>; cancel: () => void } {
    const rid = this.nextRid;
    const done = this.request({ type: 'generate', videoId, prompt, params, attention, tapLayer }, 'done', (e) => {
      if (e.type === 'progress') handlers.onProgress?.(e);
      else if (e.type === 'prompt') handlers.onPrompt?.(e);
      else if (e.type === 'token') handlers.onToken(e);
    }).then((ev) => {
      const d = ev as Extract<EngineEvent, { type: 'done' }>;
      return { reason: d.reason, stats: d.stats };
    });
    return { done, cancel: () => this.post({ type: 'cancel', rid: this.nextRid++, target: rid }) };
  }

  async unload(): Promise<void> {
    await this.request({ type: 'unload' }, 'ok');
  }

  /** The browser's model cache: entries with size and last use, storage estimate and persistence. */
  async cacheInfo(): Promise<CacheInfo> {
    const ev = (await this.request({ type: 'cache-info' }, 'cache-info')) as Extract<
      EngineEvent,
      { type: 'cache-info' }
    >;
    return ev.info;
  }

  async deleteCached(key: string): Promise<void> {
    await this.request({ type: 'cache-delete', key }, 'ok');
  }

  /** Copies a cached model into a new folder inside `target` (docs/quantized-folder.md). */
  async exportCached(
    key: string,
    target: FileSystemDirectoryHandle,
    onProgress?: (p: Progress) => void,
  ): Promise<{ folder: string; files: number; bytes: number }> {
    const ev = (await this.request({ type: 'cache-export', key, target }, 'cache-exported', (e) => {
      if (e.type === 'progress') onProgress?.(e);
    })) as Extract<EngineEvent, { type: 'cache-exported' }>;
    return { folder: ev.folder, files: ev.files, bytes: ev.bytes };
  }

  terminate(): void {
    this.worker.terminate();
    this.fail(new EngineError('internal', 'The engine was shut down.'));
  }

  private request(
    msg: DistributiveOmit<EngineRequest, 'rid'>,
    final: EngineEvent['type'],
    onEvent?: (ev: EngineEvent) => void,
  ): Promise<EngineEvent> {
    if (this.dead) return Promise.reject(this.dead);
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      this.pending.set(rid, { resolve, reject, onEvent, final });
      this.post({ ...msg, rid } as EngineRequest);
    });
  }

  private post(msg: EngineRequest): void {
    this.worker.postMessage(msg, transferablesOf(msg));
  }

  /** Called once if the engine becomes unusable (the worker crashed or was shut down). */
  onFatal(fn: (err: EngineError) => void): () => void {
    this.fatalListeners.add(fn);
    return () => this.fatalListeners.delete(fn);
  }

  /**
   * Called on every GPU device loss. The engine stays usable (it takes a new device for the next load or video),
   * but what lived on the lost device — the model, the video's pixel values — must be loaded and sent again.
   */
  onDeviceLost(fn: (message: string) => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  private onMessage(ev: EngineEvent): void {
    // A lost device is announced outside any request (rid 0); the request it interrupted fails on its own.
    if (ev.type === 'device-lost') {
      for (const fn of this.lostListeners) fn(ev.message);
      return;
    }
    const p = this.pending.get(ev.rid);
    if (!p) return;
    if (ev.type === 'error') {
      this.pending.delete(ev.rid);
      p.reject(new EngineError(ev.code, ev.message));
    } else if (ev.type === p.final) {
      this.pending.delete(ev.rid);
      p.resolve(ev);
    } else {
      p.onEvent?.(ev);
    }
  }

  private fail(err: EngineError): void {
    if (!this.dead) for (const fn of this.fatalListeners) fn(err);
    this.dead = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
