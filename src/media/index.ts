// Public surface of the media pipeline for the app (store, UI). Everything else in src/media is internal.

export {
  MediaClient,
  type DecodeProgress,
  type MediaClientOptions,
  type SampleHandlers,
  type SampleJobHandle,
} from './media-client';
export { MediaError, isMediaError, type MediaErrorCode, type MediaErrorInfo } from './errors';
export {
  planSampling,
  DEFAULT_SAMPLING,
  DEFAULT_FPS_MODE,
  type SamplingPlan,
  type SamplingSettings,
  type VideoFacts,
} from './plan';
export { planFor } from './sampler';
export { VIDEO_R2, formatHhMmSs, type FrameCountMode } from './sampling';
export { RESIZE_DEFAULTS, smartResize, videoGrid, type VideoGrid, type ResizedSize } from './smart-resize';
export { parseSubtitleFile, type SubtitleCue } from './subtitles';
export { codecName } from './metadata';
export { framePairAtModelTime, type FramePairAtTime, type SampledTime } from './frame-times';
export type {
  FrameAccounting,
  SampledFrame,
  SampleRequest,
  SampleStats,
  SampleSummary,
  VideoMetadata,
  ContainerKind,
  Rotation,
  ConversionPath,
} from './types';
export type { MediaEvent, MediaRequest, ProgressPhase } from './protocol';
