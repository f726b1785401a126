// Public types of the media pipeline (what the app's store and UI see).

import type { ConversionPath } from './frame-pixels';
import type { ContainerKind, Rotation } from './demux/types';
import type { SamplingPlan, SamplingSettings } from './plan';
import type { SubtitleCue } from './subtitles';

export type { ContainerKind, Rotation, ConversionPath, SamplingPlan, SamplingSettings, SubtitleCue };

export interface VideoMetadata {
  fileName: string;
  fileSize: number;
  container: ContainerKind;
  /** "MP4", "QuickTime", "WebM", "Matroska". */
  containerLabel: string;
  /** WebCodecs codec string, e.g. "avc1.64001f". */
  codec: string;
  /** "H.264", "VP9", "AV1", ... */
  codecName: string;
  /** Stored (coded, visible) frame size. */
  codedWidth: number;
  codedHeight: number;
  /** Clockwise rotation requested by the container. */
  rotation: Rotation;
  /** Displayed size (after rotation). */
  width: number;
  height: number;
  /** End of the last frame on the presentation timeline (s). */
  durationSeconds: number;
  /** total_frames as the reference reads it (decord len(vr)): frames in presentation order. */
  frameCount: number;
  /** video_fps as the reference reads it (ffmpeg avg_frame_rate): frames / summed frame durations. */
  averageFps: number;
  variableFrameRate: boolean;
  keyframeCount: number;
  /** Presentation time of frame 0 (s); 0 for most files, 66.7 ms for a B-frame fMP4 without an edit list. */
  firstFrameTime: number;
  warnings: string[];
}

export interface SampleRequest extends SamplingSettings {
  /** WRITE_TIMESTAMPS_ON_FRAMES: HH:MM:SS of int(index / fps), top-left. */
  burnTimestamps: boolean;
  /** WRITE_SUBTITLES_ON_FRAMES with these cues (parseSubtitleFile), or null. */
  subtitles: SubtitleCue[] | null;
  /**
   * Apply the container's rotation (default in the app). decord, which Video-R2 uses, ignores it; pass false to
   * get exactly the frames the reference sees for rotated phone videos.
   */
  applyRotation: boolean;
}

export interface SampledFrame {
  /** Position in the sampled sequence, 0..nframes-1. */
  ordinal: number;
  /** Frame index in presentation order (what decord's get_batch receives). */
  sourceIndex: number;
  /** sourceIndex / averageFps: the time the reference burns in and looks subtitles up with. */
  referenceTime: number;
  /** The frame's own presentation time after edit lists (differs from referenceTime for VFR video). */
  presentationTime: number;
  width: number;
  height: number;
  /** width·height·4 bytes of RGBA8, row-major, alpha 255. Transferred: the receiver owns it. */
  rgba: ArrayBuffer;
}

export interface SampleStats {
  /** Encoded samples fed to the decoder (the decode cost). */
  samplesFed: number;
  /** Unwanted H.264 non-reference samples that were not decoded at all. */
  samplesSkipped: number;
  /** Frames the decoder produced (wanted or not). */
  framesDecoded: number;
  /** Decoder runs (seek + decode forward + flush). */
  runs: number;
  conversion: ConversionPath | null;
  elapsedMs: number;
}

export interface SampleSummary {
  plan: SamplingPlan;
  stats: SampleStats;
}

export interface FrameAccounting {
  /** VideoFrames received from decoders over the worker's lifetime. */
  framesOpened: number;
  /** ... and closed. Equal whenever no request is running. */
  framesClosed: number;
}
