// The video: opening a file, the sampling settings, and the pipeline media worker → engine worker that turns
// the sampled frames into pixel_values on the GPU (and gives back the resized frames the model sees).
import type { StateCreator } from 'zustand';
import { DEFAULT_SAMPLING, MediaError, parseSubtitleFile, planFor, VIDEO_R2 } from '../media';
import type { SampleRequest, SamplingPlan, SubtitleCue, VideoMetadata } from '../media';
import { services } from './services';
import type { AppState } from './store';

export interface VideoSettings {
  countMode: 'nframes' | 'fps';
  /** The demo's slider (2–768, rounded to even like Python's round). */
  nframes: number;
  fps: number;
  fpsMaxFrames: number;
  minPixels: number;
  maxPixels: number;
  /** Seconds, or null for the start / end of the file. */
  startTime: number | null;
  endTime: number | null;
  burnTimestamps: boolean;
  burnSubtitles: boolean;
  applyRotation: boolean;
}

export interface FrameThumb {
  ordinal: number;
  sourceIndex: number;
  /** sourceIndex / fps: the time the reference assigns the frame. */
  referenceTime: number;
  presentationTime: number;
  /** The resized frame exactly as the model sees it. */
  bitmap: ImageBitmap;
}

export type VideoStatus = 'empty' | 'opening' | 'sampling' | 'ready' | 'error';

export interface VideoSlice {
  video: {
    status: VideoStatus;
    file: File | null;
    url: string | null;
    metadata: VideoMetadata | null;
    settings: VideoSettings;
    subtitles: { fileName: string; cues: SubtitleCue[] } | null;
    plan: SamplingPlan | null;
    frames: FrameThumb[];
    progress: { label: string; fraction: number } | null;
    /** The last problem (a failed open keeps the previous video usable). */
    error: { code: string; message: string } | null;
    /** Id of the pixel values the engine holds for the current file + settings. */
    engineVideoId: string | null;
    seekRequest: { seconds: number; nonce: number } | null;
  };
  openVideo: (file: File) => Promise<void>;
  openSampleVideo: () => Promise<void>;
  setVideoSettings: (s: Partial<VideoSettings>) => void;
  setSubtitleFile: (file: File) => Promise<void>;
  clearSubtitles: () => void;
  seekVideo: (seconds: number) => void;
  dismissVideoError: () => void;
  /** Resolves with the engine's id for the current video once its pixel values are on the GPU. */
  prepareVideoForModel: () => Promise<string>;
}

export const DEFAULT_VIDEO_SETTINGS: VideoSettings = {
  countMode: 'nframes',
  nframes: 32,
  fps: VIDEO_R2.fps,
  fpsMaxFrames: VIDEO_R2.fpsMaxFrames,
  minPixels: DEFAULT_SAMPLING.minPixels,
  maxPixels: DEFAULT_SAMPLING.maxPixels,
  startTime: null,
  endTime: null,
  burnTimestamps: false,
  burnSubtitles: false,
  applyRotation: true,
};

export const SAMPLE_VIDEO_URL = `${import.meta.env.BASE_URL}samples/shapes.mp4`;

export function sampleRequest(s: VideoSettings, subtitles: SubtitleCue[] | null): SampleRequest {
  return {
    mode: s.countMode === 'nframes' ? { kind: 'nframes', nframes: s.nframes } : { kind: 'fps', fps: s.fps, minFrames: VIDEO_R2.fpsMinFrames, maxFrames: s.fpsMaxFrames },
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
const withFileName = (name: string, message: string) => (message.includes(name) ? message : `${name}: ${message}`);

const describe = (e: unknown) => (e instanceof MediaError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });

/** The file currently indexed by the media worker (a failed open leaves none). */
let openInWorker: File | null = null;
let generation = 0;
let resampleTimer: ReturnType<typeof setTimeout> | null = null;
let preparing: Promise<string> | null = null;

export const createVideoSlice: StateCreator<AppState, [], [], VideoSlice> = (set, get) => {
  const patch = (p: Partial<VideoSlice['video']>) => set((s) => ({ video: { ...s.video, ...p } }));

  const closeFrames = (frames: FrameThumb[]) => frames.forEach((f) => f.bitmap.close());

  /** Plans, samples and preprocesses the current file with the current settings; the newest call wins. */
  const resample = async (keepError = false): Promise<string> => {
    const my = ++generation;
    const { file, metadata, settings, subtitles } = get().video;
    if (!file || !metadata) throw new Error('Choose a video first.');
    const request = sampleRequest(settings, subtitles?.cues ?? null);
    let plan: SamplingPlan;
    try {
      plan = planFor(metadata, request);
    } catch (e) {
      patch({ status: 'error', error: { ...describe(e), message: withFileName(file.name, describe(e).message) }, plan: null, engineVideoId: null, progress: null });
      throw e;
    }
    closeFrames(get().video.frames);
    patch({ status: 'sampling', plan, frames: [], engineVideoId: null, ...(keepError ? {} : { error: null }), progress: { label: 'Decoding frames', fraction: 0 } });
    const engine = services.engine();
    const videoId = `v${my}`;
    try {
      if (openInWorker !== file) {
        await services.media().open(file);
        openInWorker = file;
      }
      await engine.beginVideo(videoId, plan.nframes, plan.resized.height, plan.resized.width, plan.secondPerGridT);
      const job = services.media().sample(request, {
        onFrame: async (f) => {
          const preview = await engine.pushFrame(videoId, f.ordinal, f.width, f.height, f.rgba);
          const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(preview.rgba), preview.width, preview.height));
          if (my !== generation) {
            bitmap.close();
            return;
          }
          const thumb: FrameThumb = { ordinal: f.ordinal, sourceIndex: f.sourceIndex, referenceTime: f.referenceTime, presentationTime: f.presentationTime, bitmap };
          set((s) => ({ video: { ...s.video, frames: [...s.video.frames, thumb], progress: { label: 'Decoding frames', fraction: (f.ordinal + 1) / plan.nframes } } }));
        },
      });
      await job.done;
      const ready = await engine.endVideo(videoId);
      if (ready.videoTokens !== plan.grid.tokens) throw new Error(`The engine made ${ready.videoTokens} video tokens, the plan says ${plan.grid.tokens}.`);
      if (my === generation) patch({ status: 'ready', engineVideoId: videoId, progress: null });
      return videoId;
    } catch (e) {
      if (e instanceof MediaError && e.code === 'WORKER_FAILED') openInWorker = null;
      if (my === generation && !(e instanceof MediaError && e.code === 'CANCELLED')) patch({ status: 'error', error: { ...describe(e), message: withFileName(file.name, describe(e).message) }, progress: null });
      throw e;
    }
  };

  const scheduleResample = (keepError = false) => {
    if (resampleTimer) clearTimeout(resampleTimer);
    resampleTimer = setTimeout(() => {
      resampleTimer = null;
      preparing = resample(keepError);
      preparing.catch(() => undefined);
    }, 250);
  };

  return {
    video: { status: 'empty', file: null, url: null, metadata: null, settings: DEFAULT_VIDEO_SETTINGS, subtitles: null, plan: null, frames: [], progress: null, error: null, engineVideoId: null, seekRequest: null },

    openVideo: async (file) => {
      if (file.size === 0) {
        patch({ error: { code: 'EMPTY_FILE', message: `“${file.name}” is empty (0 bytes).` } });
        return;
      }
      const my = ++generation;
      const previous = get().video;
      patch({ status: 'opening', error: null, progress: { label: `Reading ${file.name}`, fraction: 0 } });
      try {
        const metadata = await services.media().open(file, { onProgress: (fraction) => my === generation && patch({ progress: { label: `Reading ${file.name}`, fraction } }) });
        openInWorker = file;
        if (my !== generation) return;
        // Show the new file while it samples; keep the previous one's URL until the new file has decoded.
        closeFrames(previous.frames);
        patch({ file, metadata, url: URL.createObjectURL(file), frames: [], plan: null, engineVideoId: null });
        preparing = resample();
        const sampling = generation; // resample took the next generation: a newer request supersedes it
        try {
          await preparing;
        } catch (e) {
          if (sampling === generation && previous.file && !(e instanceof MediaError && e.code === 'CANCELLED')) {
            // The new file opened but cannot be used (corrupt data, an aspect ratio Video-R2 refuses, …): a bad
            // file loses nothing else, so the previous video comes back and is sampled again.
            const failed = get().video;
            if (failed.url) URL.revokeObjectURL(failed.url);
            closeFrames(failed.frames);
            openInWorker = null;
            patch({ file: previous.file, metadata: previous.metadata, url: previous.url, plan: previous.plan, frames: [], status: 'sampling', error: failed.error });
            scheduleResample(true);
            return;
          }
        }
        if (previous.url && previous.url !== get().video.url) URL.revokeObjectURL(previous.url);
      } catch (e) {
        openInWorker = null;
        if (my !== generation || (e instanceof MediaError && e.code === 'CANCELLED')) return;
        // A bad file loses nothing else: the previous video stays (re-sampled if the open interrupted it).
        const fallback: VideoStatus = !previous.file ? 'empty' : previous.status === 'ready' || previous.status === 'error' ? previous.status : 'sampling';
        patch({ status: fallback, error: { ...describe(e), message: withFileName(file.name, describe(e).message) }, progress: null });
        if (fallback === 'sampling') scheduleResample();
      }
    },

    openSampleVideo: async () => {
      const res = await fetch(SAMPLE_VIDEO_URL);
      if (!res.ok) {
        patch({ error: { code: 'NETWORK', message: `Could not fetch the sample video (${res.status}).` } });
        return;
      }
      await get().openVideo(new File([await res.blob()], 'shapes.mp4', { type: 'video/mp4' }));
    },

    setVideoSettings: (s) => {
      set((st) => ({ video: { ...st.video, settings: { ...st.video.settings, ...s } } }));
      if (get().video.file) scheduleResample();
    },

    setSubtitleFile: async (file) => {
      try {
        const cues = parseSubtitleFile(file.name, await file.text());
        set((st) => ({ video: { ...st.video, subtitles: { fileName: file.name, cues }, settings: { ...st.video.settings, burnSubtitles: true } } }));
        if (get().video.file) scheduleResample();
      } catch (e) {
        patch({ error: { ...describe(e), message: withFileName(file.name, describe(e).message) } });
      }
    },

    clearSubtitles: () => {
      set((st) => ({ video: { ...st.video, subtitles: null, settings: { ...st.video.settings, burnSubtitles: false } } }));
      if (get().video.file) scheduleResample();
    },

    seekVideo: (seconds) => patch({ seekRequest: { seconds, nonce: Math.random() } }),

    dismissVideoError: () => patch({ error: null }),

    prepareVideoForModel: async () => {
      const v = get().video;
      if (!v.file) throw new Error('Choose a video first.');
      if (v.status === 'ready' && v.engineVideoId) return v.engineVideoId;
      if (resampleTimer) {
        clearTimeout(resampleTimer);
        resampleTimer = null;
        preparing = resample();
      }
      if (preparing && v.status === 'sampling') return preparing;
      preparing = resample();
      return preparing;
    },
  };
};
