// ISO-BMFF edit lists (elst) → presentation times, as ffmpeg's mov demuxer applies them: leading empty edits
// delay the track, the first media edit selects the window [media_time, media_time + segment_duration) of the
// composition timeline and maps media_time to the presentation start. A B-frame H.264 from ffmpeg has one edit
// with media_time = 2 frames; ignoring it shifts every timestamp by 66.7 ms at 30 fps.

export interface EditEntry {
  /** In movie timescale units; 0 means "until the end" (fragmented files). */
  segmentDuration: number;
  /** In media timescale units; -1 marks an empty edit. */
  mediaTime: number;
  mediaRateInteger: number;
}

export interface EditMapping {
  /** Media ticks subtracted from each composition time. */
  shiftTicks: number;
  /** Seconds added after the shift (sum of leading empty edits). */
  offsetSeconds: number;
  /** Visible window of composition times, in media ticks: [windowStart, windowEnd). */
  windowStart: number;
  windowEnd: number;
  warnings: string[];
}

export function interpretEditList(
  edits: readonly EditEntry[] | undefined,
  movieTimescale: number,
  mediaTimescale: number,
): EditMapping {
  const identity: EditMapping = {
    shiftTicks: 0,
    offsetSeconds: 0,
    windowStart: Number.NEGATIVE_INFINITY,
    windowEnd: Number.POSITIVE_INFINITY,
    warnings: [],
  };
  if (!edits || edits.length === 0) return identity;
  const warnings: string[] = [];
  let offsetSeconds = 0;
  let i = 0;
  for (; i < edits.length && (edits[i] as EditEntry).mediaTime === -1; i++) {
    offsetSeconds += (edits[i] as EditEntry).segmentDuration / movieTimescale;
  }
  const media = edits[i];
  if (!media) return { ...identity, offsetSeconds, warnings };
  const mediaEdits = edits.slice(i).filter((e) => e.mediaTime !== -1).length;
  if (mediaEdits > 1) warnings.push(`The edit list has ${mediaEdits} media segments; only the first is applied.`);
  if (media.mediaRateInteger !== 1)
    warnings.push(`The edit list plays at rate ${media.mediaRateInteger}; timestamps assume rate 1.`);
  const windowEnd =
    media.segmentDuration > 0
      ? media.mediaTime + (media.segmentDuration * mediaTimescale) / movieTimescale
      : Number.POSITIVE_INFINITY;
  return { shiftTicks: media.mediaTime, offsetSeconds, windowStart: media.mediaTime, windowEnd, warnings };
}

/** Presentation time (seconds) of a sample with composition time `ctsTicks`, and whether the edit shows it. */
export function presentSample(
  mapping: EditMapping,
  ctsTicks: number,
  mediaTimescale: number,
): { pts: number; visible: boolean } {
  return {
    pts: (ctsTicks - mapping.shiftTicks) / mediaTimescale + mapping.offsetSeconds,
    visible: ctsTicks >= mapping.windowStart && ctsTicks < mapping.windowEnd,
  };
}
