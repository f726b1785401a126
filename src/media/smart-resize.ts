// The target frame size and the resulting grid, as qwen_vl_utils `fetch_video` + `smart_resize` and the
// Qwen2.5-VL processor compute them (docs/model.md §2.5, §2.8).

import { MediaError } from './errors';
import { ceilByFactor, floorByFactor, roundByFactor } from './python-math';

export const RESIZE_DEFAULTS = {
  factor: 28,
  /** VIDEO_MIN_PIXELS = 128·28·28 */
  minPixels: 100352,
  /** The Video-R2 demo passes max_pixels = 200704 (256·28·28). */
  maxPixels: 200704,
  /** VIDEO_MAX_PIXELS = 768·28·28: the per-frame ceiling inside fetch_video. */
  videoMaxPixels: 602112,
  /** VIDEO_TOTAL_PIXELS = int(128000·28·28·0.9) (env var VIDEO_MAX_PIXELS in the reference). */
  videoTotalPixels: 90316800,
  maxAspectRatio: 200,
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
} as const;

/**
 * fetch_video's per-frame pixel budget:
 * `max(min(VIDEO_MAX_PIXELS, total_pixels / nframes * 2), int(min_pixels * 1.05))`, then capped by the
 * caller's max_pixels.
 */
export function frameMaxPixels(
  nframes: number,
  minPixels: number,
  requestedMaxPixels: number | undefined,
  totalPixels: number = RESIZE_DEFAULTS.videoTotalPixels,
): number {
  const budget = Math.max(
    Math.min(RESIZE_DEFAULTS.videoMaxPixels, (totalPixels / nframes) * 2),
    Math.trunc(minPixels * 1.05),
  );
  return requestedMaxPixels === undefined ? budget : Math.min(requestedMaxPixels, budget);
}

export interface ResizedSize {
  height: number;
  width: number;
}

/** `smart_resize(height, width, factor, min_pixels, max_pixels)`; aspect ratios above 200 are an error. */
export function smartResize(
  height: number,
  width: number,
  factor: number,
  minPixels: number,
  maxPixels: number,
): ResizedSize {
  if (!(height > 0 && width > 0))
    throw new MediaError('INVALID_OPTIONS', `Frame size ${width}×${height} is not positive.`);
  const ratio = Math.max(height, width) / Math.min(height, width);
  if (ratio > RESIZE_DEFAULTS.maxAspectRatio) {
    throw new MediaError(
      'ASPECT_RATIO',
      `The video is ${width}×${height}, an aspect ratio of ${ratio.toFixed(1)}:1. Video-R2 accepts at most ${RESIZE_DEFAULTS.maxAspectRatio}:1.`,
      `smart_resize: absolute aspect ratio must be smaller than ${RESIZE_DEFAULTS.maxAspectRatio}, got ${ratio}`,
    );
  }
  let hBar = Math.max(factor, roundByFactor(height, factor));
  let wBar = Math.max(factor, roundByFactor(width, factor));
  if (hBar * wBar > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    hBar = floorByFactor(height / beta, factor);
    wBar = floorByFactor(width / beta, factor);
  } else if (hBar * wBar < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    hBar = ceilByFactor(height * beta, factor);
    wBar = ceilByFactor(width * beta, factor);
  }
  return { height: hBar, width: wBar };
}

export interface VideoGrid {
  /** video_grid_thw */
  t: number;
  h: number;
  w: number;
  /** Rows of pixel_values_videos: t·h·w. */
  patchRows: number;
  /** `<|video_pad|>` tokens: t·h·w / merge². */
  tokens: number;
}

/** The processor's grid for `nframes` frames of size `resized` (an odd count gets its last frame repeated). */
export function videoGrid(nframes: number, resized: ResizedSize): VideoGrid {
  const { patchSize, mergeSize, temporalPatchSize } = RESIZE_DEFAULTS;
  if (resized.height % (patchSize * mergeSize) !== 0 || resized.width % (patchSize * mergeSize) !== 0) {
    throw new MediaError(
      'INVALID_OPTIONS',
      `Resized frame ${resized.width}×${resized.height} is not a multiple of ${patchSize * mergeSize}.`,
    );
  }
  const t = Math.ceil(nframes / temporalPatchSize);
  const h = resized.height / patchSize;
  const w = resized.width / patchSize;
  return { t, h, w, patchRows: t * h * w, tokens: (t * h * w) / (mergeSize * mergeSize) };
}
