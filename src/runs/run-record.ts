// What one run is: the settings it was asked with and what came back (RunMeta, immutable objects replaced as
// the run advances), plus its per-token arrays (RunTokens). Definitions of the attention quantities: docs in
// ARCHITECTURE.md §14 ("Runs").
import type { GenerationParams, Quantization } from '../protocol/engine';
import { RunTokens, type RunShape } from './run-tokens';

/** The five parts of the context a generated token's attention is split into; the masses sum to 1. */
export const SEGMENTS = ['sink', 'system', 'video', 'question', 'generated'] as const;
export type SegmentName = (typeof SEGMENTS)[number];

export interface RunModel {
  /** Catalog / hub id, or 'local:<folder>'. */
  id: string;
  /** Hub revision ('main' or a commit), null for local folders. */
  revision: string | null;
  /** Content hash of the weights when known (hex), else null. */
  weightsHash: string | null;
  /** 'q4' = 4-bit text linears, 'q8' = 8-bit, 'none' = 16-bit as shipped. */
  quantization: Quantization;
  kvCache: 'f16' | 'f32';
  textLayers: number;
  heads: number;
}

export interface RunPrompt {
  system: string;
  question: string;
  /** The instruction appended after the question (Video-R2's reasoning suffix). */
  suffix: string;
  /** The whole templated prompt as tokenized (with `<|video_pad|>` runs), once known. */
  text: string | null;
}

/**
 * Token positions in the prompt, once the prompt is built. Segments as key ranges: sink [0, 1), system
 * [1, videoStart), video [videoStart, videoEnd), question [videoEnd, promptTokens), generated [promptTokens, …).
 */
export interface RunLayout {
  promptTokens: number;
  videoStart: number;
  videoEnd: number;
}

export interface RunVideo {
  /** The file's name as the user dropped it. */
  name: string;
  fileSize: number;
  durationSeconds: number;
  width: number;
  height: number;
  averageFps: number;
  variableFrameRate: boolean;
  codec: string;
  container: string;
  /** Sampling settings as asked (count mode, frames or fps, pixel bounds, range, burn-ins). */
  sampling: Record<string, unknown>;
  /** Per sampled frame: index in the file, the time the reference assigns it, its presentation time (s). */
  frameIndices: number[];
  frameTimes: number[];
  presentationTimes: number[];
  /** Resized frame size the model saw. */
  resized: { width: number; height: number };
  /** video_grid_thw: t = frame pairs, h × w = patches (14 px) before the 2 × 2 merge. */
  grid: { t: number; h: number; w: number };
  /** Seconds per temporal patch (frame pair), as the prompt's M-RoPE uses it. */
  secondPerGridT: number;
}

export interface RunTimings {
  /** Epoch ms of the click. */
  startedAt: number;
  /** ms from the click to the end of each stage (null until reached). */
  loadedMs: number | null;
  preprocessedMs: number | null;
  visionMs: number | null;
  prefilledMs: number | null;
  firstTokenMs: number | null;
  endedMs: number | null;
  /** Engine-measured durations. */
  engine: { visionMs: number; prefillMs: number; decodeMs: number } | null;
}

/** The timings of a run that has just started: no stage reached yet. */
export function startTimings(startedAt: number): RunTimings {
  return {
    startedAt,
    loadedMs: null,
    preprocessedMs: null,
    visionMs: null,
    prefilledMs: null,
    firstTokenMs: null,
    endedMs: null,
    engine: null,
  };
}

export type RunStage = 'load' | 'preprocess' | 'vision' | 'prefill' | 'generate' | 'done' | 'cancelled' | 'error';

export interface RunMeta {
  readonly id: string;
  /** Short name for lists ("Run 3 · What happens…"). */
  readonly label: string;
  readonly origin: 'live' | 'imported';
  /** App version that recorded the run. */
  readonly appVersion: string;
  readonly model: RunModel | null;
  readonly prompt: RunPrompt;
  readonly decoding: GenerationParams;
  /** Attention tap settings: null when the run was asked without attention. */
  readonly tap: { layer: number } | null;
  readonly video: RunVideo | null;
  readonly layout: RunLayout | null;
  readonly stage: RunStage;
  readonly stopReason: 'eos' | 'max-tokens' | 'cancelled' | null;
  readonly error: string | null;
  readonly timings: RunTimings;
}

/** One run: `meta` is replaced (never mutated) as the run advances; `tokens` grows while it streams. */
export interface RunRecord {
  readonly id: string;
  meta: RunMeta;
  /** null until the prompt is built (the shape needs heads, pairs and video tokens). */
  tokens: RunTokens | null;
  /** Bumped on every change (meta or tokens); what views compare. */
  version: number;
}

export function runShape(meta: RunMeta): RunShape | null {
  if (!meta.video || !meta.layout || !meta.model) return null;
  const { grid } = meta.video;
  return {
    heads: meta.model.heads,
    pairs: grid.t,
    videoTokens: meta.layout.videoEnd - meta.layout.videoStart,
    attention: meta.tap !== null,
  };
}

/** Merged grid (what one video token covers: 28 × 28 px of both frames of a pair). */
export function mergedGrid(video: RunVideo): { t: number; h: number; w: number } {
  return { t: video.grid.t, h: video.grid.h / 2, w: video.grid.w / 2 };
}

/** Time span [t(2g), t(2g+1)] of frame pair g, from the sampled frames' reference times. */
export function pairSpan(video: RunVideo, g: number): [number, number] {
  const a = video.frameTimes[2 * g] ?? NaN;
  const b = video.frameTimes[2 * g + 1] ?? a;
  return [a, b];
}

export { RunTokens };
