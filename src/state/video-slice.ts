// The video: the file, its metadata, the sampling settings and the frames the model sees. The work of opening and
// sampling (media worker → engine worker) is VideoPipeline's (video-pipeline.ts); this slice holds the state.
import type { StateCreator } from 'zustand';
import { DEFAULT_SAMPLING, parseSubtitleFile, VIDEO_R2 } from '../media';
import type { SamplingPlan, SubtitleCue, VideoMetadata } from '../media';
import type { Services } from './services';
import type { AppState } from './store';
import { VideoPipeline, describeError, withFileName } from './video-pipeline';

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

/**
 * One sampled frame as the model got it. `video.frames` holds them in ordinal order as they arrive; frames 2k and
 * 2k+1 are temporal patch k. To map a time the model cites (its own timeline, `referenceTime`) to the frames it
 * saw and the real time to seek to, use `framePairAtModelTime(video.frames, seconds)` from src/media.
 */
export interface FrameThumb {
  ordinal: number;
  sourceIndex: number;
  /** sourceIndex / average fps: the time Video-R2 assigns the frame (its timeline; what it cites). */
  referenceTime: number;
  /** The frame's real presentation time (s, after edit lists): what the UI shows and seeks to. */
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
  /** The GPU device was lost with the video's pixel values: the next preparation sends the frames again. */
  forgetVideoOnGpu: () => void;
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

/** The video state before any file is opened. */
export function emptyVideo(settings: VideoSettings): VideoSlice['video'] {
  return {
    status: 'empty',
    file: null,
    url: null,
    metadata: null,
    settings,
    subtitles: null,
    plan: null,
    frames: [],
    progress: null,
    error: null,
    engineVideoId: null,
    seekRequest: null,
  };
}

export const SAMPLE_VIDEO_URL = `${import.meta.env.BASE_URL}samples/shapes.mp4`;

export function createVideoSlice(services: Services): StateCreator<AppState, [], [], VideoSlice> {
  return (set, get) => {
    const patch = (p: Partial<VideoSlice['video']> | ((v: VideoSlice['video']) => Partial<VideoSlice['video']>)) =>
      set((s) => ({ video: { ...s.video, ...(typeof p === 'function' ? p(s.video) : p) } }));
    const pipeline = new VideoPipeline({
      media: services.media,
      engine: services.engine,
      get: () => get().video,
      patch,
    });

    return {
      video: emptyVideo(DEFAULT_VIDEO_SETTINGS),

      openVideo: (file) => pipeline.open(file),
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
        if (get().video.file) pipeline.scheduleResample();
      },

      setSubtitleFile: async (file) => {
        try {
          const cues = parseSubtitleFile(file.name, await file.text());
          set((st) => ({
            video: {
              ...st.video,
              subtitles: { fileName: file.name, cues },
              settings: { ...st.video.settings, burnSubtitles: true },
            },
          }));
          if (get().video.file) pipeline.scheduleResample();
        } catch (e) {
          const d = describeError(e);
          patch({ error: { ...d, message: withFileName(file.name, d.message) } });
        }
      },

      clearSubtitles: () => {
        set((st) => ({
          video: { ...st.video, subtitles: null, settings: { ...st.video.settings, burnSubtitles: false } },
        }));
        if (get().video.file) pipeline.scheduleResample();
      },

      seekVideo: (seconds) => patch({ seekRequest: { seconds, nonce: Math.random() } }),

      dismissVideoError: () => patch({ error: null }),

      prepareVideoForModel: () => pipeline.prepare(),
      forgetVideoOnGpu: () => pipeline.deviceLost(),
    };
  };
}
