// Messages between the main thread (engine-client) and the engine worker. Every request carries a request
// id (`rid`); every event answers one. Large payloads (frames, attention rows) travel as transferables.

export type ModelSource =
  /** A Hugging Face-layout folder reachable over HTTP, e.g. https://huggingface.co/MBZUAI/Video-R2/resolve/main/ */
  | {
      kind: 'url';
      id: string;
      baseUrl: string;
      /** Branch/commit the files come from (part of the cache key); 'main' when absent. */
      revision?: string;
      /** Sent with every request to baseUrl (an access token); never logged. */
      headers?: Record<string, string>;
    }
  /** A local folder the user picked or dropped; `path` is the file's path relative to the folder. */
  | { kind: 'files'; id: string; files: { path: string; file: File }[] };

/** Language-model weights: 4-bit (ARCHITECTURE.md §4), 8-bit (docs/model.md §6.3) or 16-bit. */
export type Quantization = 'q4' | 'q8' | 'none';

export interface LoadOptions {
  quantization: Quantization;
  /** KV cache storage: f16 halves memory (the 7B default), f32 matches the reference exactly. */
  kvCache: 'f16' | 'f32';
  /** Use (and fill) the browser's OPFS cache of the quantized weights. */
  useCache: boolean;
}

export interface GpuSummary {
  adapter: string;
  shaderF16: boolean;
  subgroups: boolean;
  subgroupSize: { min: number; max: number } | null;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export interface ModelSummary {
  id: string;
  architecture: string;
  textLayers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  visionDepth: number;
  visionHidden: number;
  quantization: Quantization;
  /** SHA-256 naming the quantized weights as loaded (weightsDigest of the cache entry or quantized folder); null for
   *  loads that are not cached (16-bit, a Hugging Face folder on disk, a cache that could not be written). */
  weightsHash: string | null;
  /** Bytes the weights occupy on the GPU. */
  weightBytes: number;
  generation: GenerationParams;
  eosIds: number[];
  /** Things the user should know that did not stop the load (e.g. the cache could not be written). */
  warnings: string[];
}

export interface GenerationParams {
  maxNewTokens: number;
  /** false = greedy argmax of the penalised logits. */
  doSample: boolean;
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  seed: number;
}

export interface MemoryPlanLine {
  label: string;
  bytes: number;
}

export interface MemoryPlan {
  lines: MemoryPlanLine[];
  totalBytes: number;
  /** The largest single buffer the plan needs, against the adapter's maxBufferSize. */
  largestBufferBytes: number;
  fits: boolean;
  /** What to change when it does not fit, in words. */
  advice: string | null;
  /** Where the dimensions came from when not the checkpoint's own config.json. */
  note: string | null;
}

export interface PlanVideo {
  frames: number;
  height: number;
  width: number;
  videoTokens: number;
}

export interface VideoGrid {
  t: number;
  h: number;
  w: number;
}

export interface PromptParts {
  system?: string;
  question: string;
  suffix: string;
  preText?: string;
}

/** Per generated token, from the tapped layer's decode attention (the final layer unless asked otherwise). */
export interface AttentionTap {
  /** Per query head: attention mass on the video span. */
  headMass: Float32Array;
  /** Per frame pair (temporal patch): head-mean mass. */
  pairMass: Float32Array;
  /** Head-mean mass on sink (position 0), system + template before the video, video, the question after the
   *  video (to the end of the prompt), and the generated tokens (incl. the query's own position once generating). */
  segmentMass: Float32Array;
  /** Head-mean attention over the video positions, in raster order (t, row, col) of the merged grid. */
  videoRow: Float32Array;
}

/** One frame's RGBA8 pixels of a video: sent to the engine, and sent back (resized) as a preview. */
export interface VideoFramePixels {
  videoId: string;
  index: number;
  width: number;
  height: number;
  rgba: ArrayBuffer;
}

/** What the engine reports once the prompt is built. */
export interface PromptInfo {
  promptTokens: number;
  /** The <|video_pad|> span [v0, v1) in the prompt. */
  videoSpan: [number, number];
  text: string;
  /** The decoder layer whose attention is tapped (null without attention), and how many layers there are. */
  tapLayer: number | null;
  layers: number;
}

/** A model download's progress in detail (issue 10): per file, overall, speed, ETA, phase, stall, resume. */
export type TransferPhase = 'download' | 'quantize' | 'cache';

export interface FileTransfer {
  file: string;
  done: number;
  total: number;
  /** Of `done`, bytes taken from the cache of an earlier, interrupted download (no network). */
  resumed: number;
}

export interface TransferStats {
  phase: TransferPhase;
  done: number;
  total: number;
  resumed: number;
  files: FileTransfer[];
  /** Over the last SPEED_WINDOW_MS of downloading; null until measured. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  /** Milliseconds without a byte when the watchdog fired; null while data flows. */
  stalledMs: number | null;
  /** false: this host ignores Range, an interrupted download starts over; null: not known yet. */
  resumable: boolean | null;
}

/** One entry of the browser's model cache, as the cache manager lists it. */
export interface CacheEntryInfo {
  key: string;
  modelId: string | null;
  revision: string | null;
  /** The q4 or q8 scheme id, or null for a dense-only entry. */
  quantization: string | null;
  bytes: number;
  /** 'complete': loadable; 'pending': being written or interrupted; 'unusable': another format or scheme. */
  status: 'complete' | 'pending' | 'unusable';
  problem: string | null;
  createdAt: string | null;
  lastUsed: string | null;
}

/** The cache manager's view of storage: entries, their total, and navigator.storage's estimate and persistence. */
export interface CacheInfo {
  entries: CacheEntryInfo[];
  cacheBytes: number;
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

export type PhaseName = 'config' | 'weights' | 'quantize' | 'cache' | 'compile' | 'video' | 'vision' | 'prefill';

/** Where a load, a video preparation or an export stands: `done` of `total` in a phase, with transfer detail. */
export interface ProgressInfo {
  phase: PhaseName;
  done: number;
  total: number;
  detail?: string;
  transfer?: TransferStats;
}

export type EngineRequest =
  | { type: 'init'; rid: number }
  | { type: 'load'; rid: number; source: ModelSource; options: LoadOptions }
  /** The memory plan for a checkpoint (only its config.json is read) and a video setting, before any download. */
  | {
      type: 'plan';
      rid: number;
      source: ModelSource;
      options: LoadOptions;
      video: PlanVideo | null;
      maxNewTokens: number;
      fallback: 'qwen2.5-vl-7b' | null;
    }
  | {
      type: 'video-begin';
      rid: number;
      videoId: string;
      frames: number;
      height: number;
      width: number;
      secondPerGridTs: number;
    }
  | ({ type: 'video-frame'; rid: number } & VideoFramePixels)
  | { type: 'video-end'; rid: number; videoId: string }
  /** `tapLayer`: the decoder layer to tap when `attention` (null: the final layer, as the paper's figure). */
  | {
      type: 'generate';
      rid: number;
      videoId: string;
      prompt: PromptParts;
      params: GenerationParams;
      attention: boolean;
      tapLayer: number | null;
    }
  | { type: 'cancel'; rid: number; target: number }
  | { type: 'unload'; rid: number }
  /** Cache manager (no GPU work; answered at once): list, delete one entry, export one to a picked folder. */
  | { type: 'cache-info'; rid: number }
  | { type: 'cache-delete'; rid: number; key: string }
  | { type: 'cache-export'; rid: number; key: string; target: FileSystemDirectoryHandle };

export type EngineEvent =
  | { type: 'ready'; rid: number; gpu: GpuSummary }
  | ({ type: 'progress'; rid: number } & ProgressInfo)
  | { type: 'loaded'; rid: number; model: ModelSummary; fromCache: boolean }
  | { type: 'plan'; rid: number; plan: MemoryPlan }
  | ({ type: 'frame-preview'; rid: number } & VideoFramePixels)
  | { type: 'video-ready'; rid: number; videoId: string; grid: VideoGrid; videoTokens: number }
  | ({ type: 'prompt'; rid: number } & PromptInfo)
  | { type: 'token'; rid: number; step: number; id: number; text: string; ms: number; attention?: AttentionTap }
  | { type: 'done'; rid: number; reason: 'eos' | 'max-tokens' | 'cancelled'; stats: RunStats }
  | { type: 'ok'; rid: number }
  | { type: 'cache-info'; rid: number; info: CacheInfo }
  | { type: 'cache-exported'; rid: number; folder: string; files: number; bytes: number }
  | { type: 'error'; rid: number; code: EngineErrorCode; message: string }
  /** The GPU device was lost (outside any request, rid 0): the model and the video's GPU data are gone; the engine
   *  takes a new device for the next load or video. The request in flight, if any, also fails with 'gpu-lost'. */
  | { type: 'device-lost'; rid: 0; message: string };

export interface RunStats {
  promptTokens: number;
  generatedTokens: number;
  visionMs: number;
  prefillMs: number;
  decodeMs: number;
}

export type EngineErrorCode =
  | 'no-webgpu'
  | 'gpu-lost'
  | 'out-of-memory'
  | 'bad-model'
  | 'network'
  | 'not-loaded'
  | 'bad-video'
  | 'cancelled'
  | 'internal';

/** The transferables of a message, so both sides post without copying large buffers. */
export function transferablesOf(msg: EngineRequest | EngineEvent): Transferable[] {
  switch (msg.type) {
    case 'video-frame':
    case 'frame-preview':
      return [msg.rgba];
    case 'token':
      return msg.attention
        ? [
            msg.attention.headMass.buffer,
            msg.attention.pairMass.buffer,
            msg.attention.segmentMass.buffer,
            msg.attention.videoRow.buffer,
          ]
        : [];
    default:
      return [];
  }
}
