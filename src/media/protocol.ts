// Messages between MediaClient (main thread) and the media worker. Every request carries the id the client gave
// it; replies for superseded ids are dropped by the client. Frames travel as transferred ArrayBuffers and are
// flow-controlled: the worker keeps at most `window` frames unacknowledged.

import type { MediaErrorInfo } from './errors';
import type { FrameAccounting, SampledFrame, SampleRequest, SampleSummary, SamplingPlan, VideoMetadata } from './types';

export type MediaRequest =
  | { type: 'open'; id: number; file: Blob; fileName: string }
  | { type: 'sample'; id: number; request: SampleRequest; fontUrl: string; window: number }
  /** The client finished with frame `ordinal` of request `id`. */
  | { type: 'ack'; id: number; ordinal: number }
  | { type: 'cancel'; id: number }
  | { type: 'stats'; id: number }
  /** Drop the open file. */
  | { type: 'close' };

export type ProgressPhase = 'index' | 'decode';

export type MediaEvent =
  | {
      type: 'progress';
      id: number;
      phase: ProgressPhase;
      fraction: number;
      framesDelivered?: number;
      framesDecoded?: number;
    }
  | { type: 'opened'; id: number; metadata: VideoMetadata }
  | { type: 'plan'; id: number; plan: SamplingPlan }
  | { type: 'frame'; id: number; frame: SampledFrame }
  | { type: 'done'; id: number; summary: SampleSummary }
  | { type: 'stats'; id: number; accounting: FrameAccounting }
  | { type: 'failed'; id: number; error: MediaErrorInfo };
