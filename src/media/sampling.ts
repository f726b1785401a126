// Frame choice exactly as Video-R2's qwen_vl_utils (decord backend) + the transformers 4.51 processor do it:
// calculate_video_frame_range → smart_nframes → torch.linspace(...).round() → sample_fps → second_per_grid_ts.
// Facts: docs/model.md §2.1–2.3, §2.8; every function names its Python counterpart.

import { MediaError } from './errors';
import { ceilByFactor, floorByFactor, roundByFactor, roundHalfEven, torchLinspaceF32 } from './python-math';

/** Constants of Video-R2's vision_process.py (FPS_MAX_FRAMES is an env var there, default 32). */
export const VIDEO_R2 = {
  frameFactor: 2,
  fps: 2.0,
  fpsMinFrames: 4,
  fpsMaxFrames: 32,
  temporalPatchSize: 2,
} as const;

export type FrameCountMode =
  /** The demo's slider: `{"nframes": N}`, rounded to even with Python's round (33 → 32, 35 → 36). */
  | { kind: 'nframes'; nframes: number }
  /** `{"fps": fps}` with FPS_MIN_FRAMES / FPS_MAX_FRAMES (the training/eval path). */
  | { kind: 'fps'; fps: number; minFrames: number; maxFrames: number };

export interface FrameRange {
  startFrame: number;
  endFrame: number;
  /** end - start + 1: what the reference then calls total_frames. */
  frameCount: number;
}

/**
 * `calculate_video_frame_range`: the inclusive source-frame range selected by optional video_start / video_end
 * (seconds). Without either, the whole video.
 */
export function frameRange(totalFrames: number, videoFps: number, videoStart?: number, videoEnd?: number): FrameRange {
  if (!(videoFps > 0))
    throw new MediaError('INVALID_TIME_RANGE', `The video's frame rate (${videoFps}) is not a positive number.`);
  if (!(totalFrames > 0)) throw new MediaError('TOO_FEW_FRAMES', 'The video has no frames.');
  if (videoStart === undefined && videoEnd === undefined) {
    return { startFrame: 0, endFrame: totalFrames - 1, frameCount: totalFrames };
  }
  const maxDuration = totalFrames / videoFps;
  const clamp = (t: number) => Math.max(0, Math.min(t, maxDuration));
  const startFrame = videoStart === undefined ? 0 : Math.ceil(clamp(videoStart) * videoFps);
  const endFrame =
    videoEnd === undefined ? totalFrames - 1 : Math.min(Math.floor(clamp(videoEnd) * videoFps), totalFrames - 1);
  if (startFrame >= endFrame) {
    throw new MediaError(
      'INVALID_TIME_RANGE',
      `The time range ${videoStart ?? 0} s – ${videoEnd ?? maxDuration} s selects no frames: start frame ${startFrame} is not before end frame ${endFrame} (the video has ${totalFrames} frames at ${videoFps} fps, ${maxDuration.toFixed(2)} s).`,
    );
  }
  return { startFrame, endFrame, frameCount: endFrame - startFrame + 1 };
}

/** `smart_nframes`: how many frames the model gets from `totalFrames` source frames at `videoFps`. */
export function smartNframes(mode: FrameCountMode, totalFrames: number, videoFps: number): number {
  const factor = VIDEO_R2.frameFactor;
  let nframes: number;
  if (mode.kind === 'nframes') {
    if (!Number.isFinite(mode.nframes))
      throw new MediaError('INVALID_OPTIONS', `The number of frames must be a number, got ${mode.nframes}.`);
    nframes = roundByFactor(mode.nframes, factor);
  } else {
    if (!(mode.fps > 0))
      throw new MediaError('INVALID_OPTIONS', `The sampling rate must be positive, got ${mode.fps} fps.`);
    const minFrames = ceilByFactor(mode.minFrames, factor);
    const maxFrames = floorByFactor(Math.min(mode.maxFrames, totalFrames), factor);
    const wanted = (totalFrames / videoFps) * mode.fps;
    nframes = floorByFactor(Math.min(Math.min(Math.max(wanted, minFrames), maxFrames), totalFrames), factor);
  }
  if (totalFrames < factor) {
    throw new MediaError(
      'TOO_FEW_FRAMES',
      `The video has only ${totalFrames === 1 ? 'one frame' : `${totalFrames} frames`} (a still picture); Video-R2 needs at least ${factor}, because it takes frames in pairs.`,
      `smart_nframes: nframes should be in [${factor}, ${totalFrames}], got ${nframes}`,
    );
  }
  if (!(factor <= nframes && nframes <= totalFrames)) {
    throw new MediaError(
      'TOO_FEW_FRAMES',
      nframes > totalFrames
        ? `The video has only ${totalFrames} frame${totalFrames === 1 ? '' : 's'} in the chosen range, fewer than the ${nframes} requested. Choose at most ${floorByFactor(totalFrames, factor)} frames or a longer range.`
        : `At least ${factor} frames are needed, but the settings give ${nframes} (the video has ${totalFrames} frames in the chosen range).`,
      `smart_nframes: nframes should be in [${factor}, ${totalFrames}], got ${nframes}`,
    );
  }
  return nframes;
}

/** `torch.linspace(start, end, n).round().long()`: the source frame indices (presentation order). */
export function sampleIndices(startFrame: number, endFrame: number, nframes: number): number[] {
  return Array.from(torchLinspaceF32(startFrame, endFrame, nframes), (v) => roundHalfEven(v));
}

/** `sample_fps = nframes / max(total_frames, 1e-6) * video_fps` (total_frames of the selected range). */
export function sampleFps(nframes: number, rangeFrameCount: number, videoFps: number): number {
  return (nframes / Math.max(rangeFrameCount, 1e-6)) * videoFps;
}

/** transformers 4.51: `temporal_patch_size / fps`, stored in a float32 tensor. */
export function secondPerGridT(sampleFpsValue: number, temporalPatchSize: number = VIDEO_R2.temporalPatchSize): number {
  return Math.fround(temporalPatchSize / sampleFpsValue);
}

/** qwen_vl_utils `format_hhmmss(seconds)`: HH:MM:SS of `int(seconds)` (truncation). */
export function formatHhMmSs(seconds: number): string {
  const total = Math.trunc(seconds);
  const hh = Math.floor(total / 3600);
  const mm = Math.floor((total % 3600) / 60);
  const ss = total % 60;
  const two = (v: number) => String(v).padStart(2, '0');
  return `${two(hh)}:${two(mm)}:${two(ss)}`;
}

/** The time the reference attaches to a source frame (timestamp burn-in, subtitle lookup): `i / video_fps`. */
export function referenceTimeOf(sourceIndex: number, videoFps: number): number {
  return sourceIndex / videoFps;
}

export { roundHalfEven };
