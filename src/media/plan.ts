// One pure function from (what the container says, what the user chose) to everything Video-R2 derives:
// the frame indices, sample fps, second_per_grid_ts, the resized size, the grid and the token count.

import { MediaError } from './errors';
import {
  frameRange,
  sampleFps,
  sampleIndices,
  secondPerGridT,
  smartNframes,
  VIDEO_R2,
  type FrameCountMode,
} from './sampling';
import {
  frameMaxPixels,
  RESIZE_DEFAULTS,
  smartResize,
  videoGrid,
  type ResizedSize,
  type VideoGrid,
} from './smart-resize';

/** The facts the plan depends on, as the reference reads them (decord `len(vr)`, `get_avg_fps()`, frame size). */
export interface VideoFacts {
  totalFrames: number;
  averageFps: number;
  /** Size of the frames handed to the model (after rotation, when rotation is applied). */
  width: number;
  height: number;
}

export interface SamplingSettings {
  mode: FrameCountMode;
  /** ele["min_pixels"]; default VIDEO_MIN_PIXELS = 100352. */
  minPixels: number;
  /** ele["max_pixels"]; the demo passes 200704. */
  maxPixels: number;
  /** ele["total_pixels"] / env VIDEO_MAX_PIXELS; default 90316800. */
  totalPixels?: number;
  /** ele["video_start"] / ele["video_end"] in seconds. */
  videoStart?: number;
  videoEnd?: number;
}

export interface SamplingPlan {
  totalFrames: number;
  videoFps: number;
  range: { startFrame: number; endFrame: number; frameCount: number };
  nframes: number;
  /** Source frame indices in presentation order (non-decreasing; may repeat only if the range is tiny). */
  indices: number[];
  sampleFps: number;
  /** float32 value of `2 / sample_fps`. */
  secondPerGridT: number;
  /** Per-frame pixel budget actually used by smart_resize. */
  maxPixels: number;
  minPixels: number;
  source: { width: number; height: number };
  resized: ResizedSize;
  grid: VideoGrid;
}

export const DEFAULT_SAMPLING: SamplingSettings = {
  mode: { kind: 'nframes', nframes: 32 },
  minPixels: RESIZE_DEFAULTS.minPixels,
  maxPixels: RESIZE_DEFAULTS.maxPixels,
};

export const DEFAULT_FPS_MODE: FrameCountMode = {
  kind: 'fps',
  fps: VIDEO_R2.fps,
  minFrames: VIDEO_R2.fpsMinFrames,
  maxFrames: VIDEO_R2.fpsMaxFrames,
};

function checkSettings(s: SamplingSettings): void {
  const positive = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new MediaError('INVALID_OPTIONS', `${name} must be a positive number, got ${v}.`);
  };
  positive('min_pixels', s.minPixels);
  positive('max_pixels', s.maxPixels);
  positive('total_pixels', s.totalPixels);
  for (const [name, v] of [
    ['Start time', s.videoStart],
    ['End time', s.videoEnd],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v))
      throw new MediaError('INVALID_TIME_RANGE', `${name} must be a number of seconds, got ${v}.`);
  }
}

export function planSampling(video: VideoFacts, settings: SamplingSettings): SamplingPlan {
  checkSettings(settings);
  const range = frameRange(video.totalFrames, video.averageFps, settings.videoStart, settings.videoEnd);
  const nframes = smartNframes(settings.mode, range.frameCount, video.averageFps);
  const indices = sampleIndices(range.startFrame, range.endFrame, nframes);
  const fps = sampleFps(nframes, range.frameCount, video.averageFps);
  const maxPixels = frameMaxPixels(nframes, settings.minPixels, settings.maxPixels, settings.totalPixels);
  const resized = smartResize(video.height, video.width, RESIZE_DEFAULTS.factor, settings.minPixels, maxPixels);
  return {
    totalFrames: video.totalFrames,
    videoFps: video.averageFps,
    range,
    nframes,
    indices,
    sampleFps: fps,
    secondPerGridT: secondPerGridT(fps),
    maxPixels,
    minPixels: settings.minPixels,
    source: { width: video.width, height: video.height },
    resized,
    grid: videoGrid(nframes, resized),
  };
}
