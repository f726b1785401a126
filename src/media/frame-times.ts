// From a time on the model's timeline to the frames the model saw there, and the real time to show.
// Video-R2 times sampled frame i as sourceIndex ÷ average fps (`referenceTime`, what it is told and what it cites);
// frames 2k and 2k+1 form temporal patch k. On variable-frame-rate video those times drift from the frames' real
// presentation times, so a cited time must be mapped through the pair, not used as a seek position directly.

export interface SampledTime {
  ordinal: number;
  sourceIndex: number;
  referenceTime: number;
  presentationTime: number;
}

export interface FramePairAtTime {
  /** Temporal patch index (frame pair) k: ordinals 2k and 2k+1. */
  pair: number;
  /** The pair's frames that have arrived, in ordinal order. */
  frames: SampledTime[];
  /** The pair frame nearest to the cited time on the model's timeline. */
  nearest: SampledTime;
  /** Where to seek the player: that frame's real presentation time. */
  seekTo: number;
}

/** `times` in ordinal order (the store's `video.frames`). Null when no frame has arrived yet. */
export function framePairAtModelTime(times: readonly SampledTime[], modelSeconds: number): FramePairAtTime | null {
  if (times.length === 0) return null;
  let nearest = times[0] as SampledTime;
  for (const t of times)
    if (Math.abs(t.referenceTime - modelSeconds) < Math.abs(nearest.referenceTime - modelSeconds)) nearest = t;
  const pair = Math.floor(nearest.ordinal / 2);
  const frames = times.filter((t) => Math.floor(t.ordinal / 2) === pair);
  return { pair, frames, nearest, seekTo: nearest.presentationTime };
}
