// The container-independent view of a video track: samples in decode order, their presentation times, and the
// frame index of each (its rank in presentation order — what decord/torchcodec call frame i).

export interface SampleTable {
  /** Number of samples in decode order (including any that an edit list hides). */
  readonly count: number;
  /** 1 for sync samples (keyframes). Decode order. */
  readonly isKey: Uint8Array;
  /** Presentation time in seconds, after edit lists. Decode order. */
  readonly pts: Float64Array;
  /** Duration in seconds. Decode order. */
  readonly duration: Float64Array;
  /** Frame index (presentation rank) of each sample, or -1 when the edit list drops it. Decode order. */
  readonly frameIndexOf: Int32Array;
  /** Decode index of frame i. Presentation order; length = frame count. */
  readonly decodeIndexOfFrame: Int32Array;
}

export interface RawSample {
  isKey: boolean;
  pts: number;
  duration: number;
  /** False when an edit list hides the sample (it is still decoded if a later frame depends on it). */
  visible: boolean;
}

/** Builds the presentation order: visible samples sorted by time, ties kept in decode order. */
export function buildSampleTable(samples: readonly RawSample[]): SampleTable {
  const count = samples.length;
  const isKey = new Uint8Array(count);
  const pts = new Float64Array(count);
  const duration = new Float64Array(count);
  const frameIndexOf = new Int32Array(count).fill(-1);
  const visible: number[] = [];
  samples.forEach((s, i) => {
    isKey[i] = s.isKey ? 1 : 0;
    pts[i] = s.pts;
    duration[i] = s.duration;
    if (s.visible) visible.push(i);
  });
  visible.sort((a, b) => (pts[a] as number) - (pts[b] as number) || a - b);
  const decodeIndexOfFrame = Int32Array.from(visible);
  decodeIndexOfFrame.forEach((d, frame) => {
    frameIndexOf[d] = frame;
  });
  return { count, isKey, pts, duration, frameIndexOf, decodeIndexOfFrame };
}

export interface TimingSummary {
  frameCount: number;
  /** End of the last frame: max(pts + duration) over visible samples, in seconds. */
  durationSeconds: number;
  /** video_fps as the reference reads it; containers supply ffmpeg's avg_frame_rate rule, else frames / span. */
  averageFps: number;
  /** True when frame durations differ by more than 1 % of the median (allowing one tick of jitter). */
  variableFrameRate: boolean;
  keyframeCount: number;
}

/**
 * Summarises timing. `averageFps` is what the container's rule gives (see mp4.ts / matroska.ts); without one,
 * frames / (end of last frame − start of first).
 */
export function summariseTiming(table: SampleTable, averageFps?: number, tickSeconds = 0.0011): TimingSummary {
  const frames = table.decodeIndexOfFrame;
  const n = frames.length;
  let end = 0;
  let first = Number.POSITIVE_INFINITY;
  let keyframeCount = 0;
  const durations: number[] = [];
  for (let f = 0; f < n; f++) {
    const d = frames[f] as number;
    const p = table.pts[d] as number;
    const dur = table.duration[d] as number;
    end = Math.max(end, p + dur);
    first = Math.min(first, p);
    durations.push(dur);
    if (table.isKey[d]) keyframeCount++;
  }
  const fallbackFps = n > 0 && end > first ? n / (end - first) : 0;
  const sorted = [...durations].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  // A millisecond-timescale container (WebM) stores 30 fps as 33/34 ms: allow one tick of jitter.
  const tolerance = Math.max(0.01 * median, tickSeconds);
  // The last frame's duration is often a guess by the muxer; ignore it.
  const body = durations.slice(0, Math.max(1, durations.length - 1));
  const variableFrameRate = body.some((d) => Math.abs(d - median) > tolerance);
  return {
    frameCount: n,
    durationSeconds: n > 0 ? end : 0,
    averageFps: averageFps ?? fallbackFps,
    variableFrameRate,
    keyframeCount,
  };
}
