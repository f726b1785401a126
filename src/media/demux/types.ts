// What every demuxer hands to the decoder: the track's decoder configuration, its sample table and a way to read
// encoded samples by decode index.

import type { SampleTable, TimingSummary } from './sample-table';

export type ContainerKind = 'mp4' | 'webm' | 'matroska';
export type Rotation = 0 | 90 | 180 | 270;

export interface EncodedSample {
  decodeIndex: number;
  isKey: boolean;
  data: Uint8Array;
}

export interface DemuxedVideo {
  readonly container: ContainerKind;
  /** For people: "MP4", "QuickTime", "WebM", "Matroska". */
  readonly containerLabel: string;
  /** WebCodecs codec string, e.g. "avc1.64001f". */
  readonly codec: string;
  /** avcC / hvcC body for H.264 / HEVC in MP4. */
  readonly description: Uint8Array | undefined;
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** Clockwise rotation the container asks players to apply. */
  readonly rotation: Rotation;
  readonly colorSpace: VideoColorSpaceInit | undefined;
  readonly table: SampleTable;
  readonly timing: TimingSummary;
  /** Things that went wrong but did not stop us (truncation, unsupported edit lists, ...). */
  readonly warnings: readonly string[];
  /** Encoded samples `from..to` (decode order, inclusive), in decode order. */
  readSamples(from: number, to: number, signal: AbortSignal): AsyncGenerator<EncodedSample>;
  dispose(): void;
}

export type ProgressFn = (fraction: number) => void;
