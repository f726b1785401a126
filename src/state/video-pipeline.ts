// The hand-off media worker → engine worker for the current video: open the file, plan the sampling, stream the
// sampled frames to the engine (which resizes them on the GPU and returns the frame the model sees), and keep
// the newest request winning. One instance per store; no module state, so tests build it with fake clients.
import { MediaError, planFor, VIDEO_R2 } from '../media';
import { EngineError } from '../engine-client/engine-client';
import type { SampleRequest, SamplingPlan, SampledFrame, SubtitleCue, VideoMetadata } from '../media';
import type { FrameThumb, VideoSettings, VideoSlice, VideoStatus } from './video-slice';

type VideoState = VideoSlice['video'];

/** What the pipeline needs of the media client. */
export interface MediaPort {
  open(file: Blob, options?: { fileName?: string; onProgress?: (fraction: number) => void }): Promise<VideoMetadata>;
  sample(
    request: SampleRequest,
    handlers: { onFrame: (f: SampledFrame) => Promise<void> | void },
  ): { done: Promise<unknown> };
}

/** What the pipeline needs of the engine client. */
export interface VideoEnginePort {
  beginVideo(videoId: string, frames: number, height: number, width: number, secondPerGridTs: number): Promise<void>;
  pushFrame(
    videoId: string,
    index: number,
    width: number,
    height: number,
    rgba: ArrayBuffer,
  ): Promise<{ width: number; height: number; rgba: ArrayBuffer }>;
  endVideo(videoId: string): Promise<{ videoTokens: number }>;
}

export interface VideoPipelineDeps {
  media: () => MediaPort;
  engine: () => VideoEnginePort;
  /** Reads and patches the store's video state. */
  get: () => VideoState;
  patch: (p: Partial<VideoState> | ((v: VideoState) => Partial<VideoState>)) => void;
  /** Turns the engine's resized RGBA into something the strip can draw (ImageBitmap in the page). */
  toBitmap?: (rgba: ArrayBuffer, width: number, height: number) => Promise<ImageBitmap>;
  /** Debounce of setting changes, ms. */
  debounceMs?: number;
}

/** The media worker's request for these settings. */
export function sampleRequest(s: VideoSettings, subtitles: SubtitleCue[] | null): SampleRequest {
  return {
    mode:
      s.countMode === 'nframes'
        ? { kind: 'nframes', nframes: s.nframes }
        : { kind: 'fps', fps: s.fps, minFrames: VIDEO_R2.fpsMinFrames, maxFrames: s.fpsMaxFrames },
    minPixels: s.minPixels,
    maxPixels: s.maxPixels,
    ...(s.startTime !== null ? { videoStart: s.startTime } : {}),
    ...(s.endTime !== null ? { videoEnd: s.endTime } : {}),
    burnTimestamps: s.burnTimestamps,
    subtitles: s.burnSubtitles && subtitles ? subtitles : null,
    applyRotation: s.applyRotation,
  };
}

/** Media errors usually quote the file name already; add it only when they do not. */
export const withFileName = (name: string, message: string) =>
  message.includes(name) ? message : `${name}: ${message}`;

/** A media error keeps its code; an engine error is named as the engine's (ENGINE_BAD_VIDEO, ENGINE_GPU_LOST, …). */
export const describeError = (e: unknown) =>
  e instanceof MediaError
    ? { code: e.code, message: e.message }
    : e instanceof EngineError
      ? { code: `ENGINE_${e.code.toUpperCase().replace(/-/g, '_')}`, message: e.message }
      : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };

/** Only the media client's own cancellation (a newer request) is one; an engine error never is. */
const isCancel = (e: unknown) => e instanceof MediaError && e.code === 'CANCELLED';
/** The GPU device was lost: not the file's fault, and preparing it again (on a new device) will work. */
const isDeviceLoss = (e: unknown) => e instanceof EngineError && e.code === 'gpu-lost';

const defaultBitmap = (rgba: ArrayBuffer, width: number, height: number) =>
  createImageBitmap(new ImageData(new Uint8ClampedArray(rgba), width, height));

export class VideoPipeline {
  /** The file currently indexed by the media worker (a failed open leaves none). */
  private openInWorker: File | null = null;
  private generation = 0;
  private resampleTimer: ReturnType<typeof setTimeout> | null = null;
  private preparing: Promise<string> | null = null;
  private readonly toBitmap: NonNullable<VideoPipelineDeps['toBitmap']>;

  constructor(private readonly deps: VideoPipelineDeps) {
    this.toBitmap = deps.toBitmap ?? defaultBitmap;
  }

  /** Opens a file; a file that fails (to open or to sample) leaves the previous video in place. */
  async open(file: File): Promise<void> {
    const { deps } = this;
    if (file.size === 0) {
      deps.patch({ error: { code: 'EMPTY_FILE', message: `“${file.name}” is empty (0 bytes).` } });
      return;
    }
    const my = ++this.generation;
    const previous = deps.get();
    deps.patch({ status: 'opening', error: null, progress: { label: `Reading ${file.name}`, fraction: 0 } });
    try {
      const metadata = await deps.media().open(file, {
        onProgress: (fraction) =>
          my === this.generation && deps.patch({ progress: { label: `Reading ${file.name}`, fraction } }),
      });
      this.openInWorker = file;
      if (my !== this.generation) return;
      // Show the new file while it samples; keep the previous one's URL until the new file has decoded.
      closeFrames(previous.frames);
      deps.patch({ file, metadata, url: URL.createObjectURL(file), frames: [], plan: null, engineVideoId: null });
      this.preparing = this.resample();
      const sampling = this.generation; // resample took the next generation: a newer request supersedes it
      try {
        await this.preparing;
      } catch (e) {
        if (sampling === this.generation && previous.file && !isCancel(e) && !isDeviceLoss(e)) {
          // The new file opened but cannot be used (corrupt data, an aspect ratio Video-R2 refuses, …): a bad
          // file loses nothing else, so the previous video comes back and is sampled again.
          const failed = deps.get();
          if (failed.url) URL.revokeObjectURL(failed.url);
          closeFrames(failed.frames);
          this.openInWorker = null;
          deps.patch({
            file: previous.file,
            metadata: previous.metadata,
            url: previous.url,
            plan: previous.plan,
            frames: [],
            status: 'sampling',
            error: failed.error,
          });
          this.scheduleResample(true);
          return;
        }
      }
      if (previous.url && previous.url !== deps.get().url) URL.revokeObjectURL(previous.url);
    } catch (e) {
      this.openInWorker = null;
      if (my !== this.generation || isCancel(e)) return;
      // A bad file loses nothing else: the previous video stays (re-sampled if the open interrupted it).
      const fallback: VideoStatus = !previous.file
        ? 'empty'
        : previous.status === 'ready' || previous.status === 'error'
          ? previous.status
          : 'sampling';
      deps.patch({
        status: fallback,
        error: { ...describeError(e), message: withFileName(file.name, describeError(e).message) },
        progress: null,
      });
      if (fallback === 'sampling') this.scheduleResample();
    }
  }

  /** Re-samples after a settings change, debounced; the newest request wins. */
  scheduleResample(keepError = false): void {
    if (this.resampleTimer) clearTimeout(this.resampleTimer);
    this.resampleTimer = setTimeout(() => {
      this.resampleTimer = null;
      this.preparing = this.resample(keepError);
      this.preparing.catch(() => undefined);
    }, this.deps.debounceMs ?? 250);
  }

  /**
   * The engine lost its GPU device, and the current video's pixel values with it: the next prepare() samples the
   * video again (onto the new device). A preparation in flight fails by itself with the loss.
   */
  deviceLost(): void {
    if (this.deps.get().engineVideoId !== null) this.deps.patch({ engineVideoId: null });
  }

  /** Resolves with the engine's id for the current video once its pixel values are on the GPU. */
  prepare(): Promise<string> {
    const v = this.deps.get();
    if (!v.file) return Promise.reject(new Error('Choose a video first.'));
    if (v.status === 'ready' && v.engineVideoId) return Promise.resolve(v.engineVideoId);
    if (this.resampleTimer) {
      clearTimeout(this.resampleTimer);
      this.resampleTimer = null;
      this.preparing = this.resample();
    }
    if (this.preparing && v.status === 'sampling') return this.preparing;
    this.preparing = this.resample();
    return this.preparing;
  }

  /** Plans, samples and preprocesses the current file with the current settings; the newest call wins. */
  private async resample(keepError = false): Promise<string> {
    const { deps } = this;
    const my = ++this.generation;
    const { file, metadata, settings, subtitles } = deps.get();
    if (!file || !metadata) throw new Error('Choose a video first.');
    const request = sampleRequest(settings, subtitles?.cues ?? null);
    let plan: SamplingPlan;
    try {
      plan = planFor(metadata, request);
    } catch (e) {
      deps.patch({
        status: 'error',
        error: { ...describeError(e), message: withFileName(file.name, describeError(e).message) },
        plan: null,
        engineVideoId: null,
        progress: null,
      });
      throw e;
    }
    closeFrames(deps.get().frames);
    deps.patch({
      status: 'sampling',
      plan,
      frames: [],
      engineVideoId: null,
      ...(keepError ? {} : { error: null }),
      progress: { label: 'Decoding frames', fraction: 0 },
    });
    const engine = deps.engine();
    const videoId = `v${my}`;
    try {
      if (this.openInWorker !== file) {
        await deps.media().open(file);
        this.openInWorker = file;
      }
      await engine.beginVideo(videoId, plan.nframes, plan.resized.height, plan.resized.width, plan.secondPerGridT);
      const job = deps.media().sample(request, {
        onFrame: async (f) => {
          const preview = await engine.pushFrame(videoId, f.ordinal, f.width, f.height, f.rgba);
          const bitmap = await this.toBitmap(preview.rgba, preview.width, preview.height);
          if (my !== this.generation) {
            bitmap.close();
            return;
          }
          const thumb: FrameThumb = {
            ordinal: f.ordinal,
            sourceIndex: f.sourceIndex,
            referenceTime: f.referenceTime,
            presentationTime: f.presentationTime,
            bitmap,
          };
          deps.patch((v) => ({
            frames: [...v.frames, thumb],
            progress: { label: 'Decoding frames', fraction: (f.ordinal + 1) / plan.nframes },
          }));
        },
      });
      await job.done;
      const ready = await engine.endVideo(videoId);
      if (ready.videoTokens !== plan.grid.tokens)
        throw new Error(`The engine made ${ready.videoTokens} video tokens, the plan says ${plan.grid.tokens}.`);
      if (my === this.generation) deps.patch({ status: 'ready', engineVideoId: videoId, progress: null });
      return videoId;
    } catch (e) {
      if (e instanceof MediaError && e.code === 'WORKER_FAILED') this.openInWorker = null;
      if (my === this.generation && !isCancel(e))
        deps.patch({
          status: 'error',
          error: { ...describeError(e), message: withFileName(file.name, describeError(e).message) },
          progress: null,
        });
      throw e;
    }
  }
}

function closeFrames(frames: FrameThumb[]): void {
  frames.forEach((f) => f.bitmap.close());
}
