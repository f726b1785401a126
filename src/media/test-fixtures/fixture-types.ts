// Shape of the manifest the media globalSetup writes and hands to the browser tests (via Vitest provide/inject).

export interface VideoFixtureBase {
  /** File name inside the fixtures folder. */
  file: string;
  size: number;
}

export interface DecodableFixture extends VideoFixtureBase {
  codec: string;
  /** Coded size as ffprobe reports it (before rotation). */
  width: number;
  height: number;
  /** ffprobe's display-matrix rotation (counter-clockwise degrees). */
  rotationCcw: number;
  /** ffprobe's avg_frame_rate. */
  avgFps: number;
  /** Frames in presentation order (non-discarded packets). */
  frameCount: number;
  /** Presentation times (s) from ffprobe, sorted; only the first 100 for very long files. */
  times: number[];
  /** ffmpeg's own RGB24 decode of some frames (autorotated), next to the video. */
  referenceFrames: { index: number; file: string }[];
  expectError?: undefined;
}

export interface ErrorFixture extends VideoFixtureBase {
  expectError: string;
}

export type VideoFixture = DecodableFixture | ErrorFixture;

export interface FixtureManifest {
  version: string;
  videos: VideoFixture[];
}
