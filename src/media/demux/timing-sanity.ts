// Checks a container's timing claims against its own sample table before anything is shown or sampled.
// Damaged headers otherwise read as real: a timescale of 0 or 0xFFFFFFFF (frame rate 0 or millions of fps),
// a fragment time whose high word is set (one frame hours or centuries away), a last sample lasting two hours,
// or a header duration that disagrees with the frames. Impossible values refuse the file (CORRUPT_FILE, with the
// numbers); implausible ones become warnings, and the duration shown is the frames' own span (as ffprobe's is).

import { MediaError } from '../errors';
import type { SampleTable, TimingSummary } from './sample-table';

/** No real video runs faster than this; above it the timescale is damaged. */
export const MAX_PLAUSIBLE_FPS = 2000;
/** About 317 years: beyond any real timeline, including epoch-based live-stream timestamps. */
export const MAX_PLAUSIBLE_START_S = 1e10;

export interface HeaderClaims {
  /** Track timescale (ticks per second), when the container has one. */
  timescale?: number;
  /** Durations the headers state (mvhd / mdhd / Segment Duration), in seconds, with a name for messages. */
  durations?: { name: string; seconds: number }[];
}

const seconds = (s: number) =>
  Math.abs(s) >= 100 ? `${Math.round(s).toLocaleString('en-US')} s` : `${s.toFixed(Math.abs(s) >= 10 ? 1 : 3)} s`;

const damagedFile = (fileName: string, what: string, detail?: string) =>
  new MediaError(
    'CORRUPT_FILE',
    `"${fileName}" is damaged: ${what} Re-encode or remux it (e.g. ffmpeg -i input -c copy output.mp4).`,
    detail,
  );

/** Before any time is computed: a timescale of 0 would make every time infinite. */
export function assertTimescale(fileName: string, timescale: number): void {
  if (!(timescale > 0))
    throw damagedFile(fileName, 'its video track has a timescale of 0 ticks per second, so its frames have no times.');
}

/** Refuses impossible timing and returns the timing to use (the last frame's duration capped when absurd). */
export function checkTiming(
  fileName: string,
  table: SampleTable,
  timing: TimingSummary,
  claims: HeaderClaims,
  warnings: string[],
): TimingSummary {
  const damaged = (what: string) => damagedFile(fileName, what);
  if (claims.timescale !== undefined) assertTimescale(fileName, claims.timescale);
  const n = timing.frameCount;
  const frames = table.decodeIndexOfFrame;
  const durations = Array.from(frames, (d) => table.duration[d] as number);
  const sorted = [...durations].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  // Every time shifted by a damaged base (e.g. a fragment's tfdt high word): a live stream's segment may start
  // hours or even decades (epoch-based timelines, ~1.7e9 s) in, but not centuries.
  const first = table.pts[frames[0] ?? 0] ?? 0;
  if (first > MAX_PLAUSIBLE_START_S) {
    throw damaged(
      `its first frame is stamped at ${seconds(first)} (${Math.round(first / 3.156e7).toLocaleString('en-US')} years), although all ${n} frames together last ${seconds(durations.reduce((a, b) => a + b, 0))}.`,
    );
  }
  if (first < -1) throw damaged(`its first frame is stamped at ${seconds(first)}, before the start of the video.`);
  if (n >= 2 && !(median > 0))
    throw damaged(
      `half or more of its ${n} frames have a duration of 0 (in the sample time table), so it has no frame rate.`,
    );
  if (!(timing.averageFps > 0) || !Number.isFinite(timing.averageFps)) {
    throw damaged(`its sample time table gives a frame rate of ${timing.averageFps} for ${n} frames.`);
  }
  if (timing.averageFps > MAX_PLAUSIBLE_FPS) {
    const scale =
      claims.timescale !== undefined ? ` (timescale ${claims.timescale.toLocaleString('en-US')} ticks per second)` : '';
    throw damaged(
      `its timing${scale} gives ${Math.round(timing.averageFps).toLocaleString('en-US')} frames per second, which no video has.`,
    );
  }
  // A frame starting far after the previous one ends: one damaged time (e.g. a fragment's tfdt high word).
  const pts = Array.from(frames, (d) => table.pts[d] as number);
  const total = durations.reduce((a, b) => a + b, 0);
  for (let f = 1; f < n; f++) {
    const gap = (pts[f] as number) - ((pts[f - 1] as number) + (durations[f - 1] as number));
    if (gap > Math.max(60, 10 * total)) {
      throw damaged(
        `frame ${f} is stamped at ${seconds(pts[f] as number)}, but frame ${f - 1} ends at ${seconds((pts[f - 1] as number) + (durations[f - 1] as number))} and all ${n} frames together last ${seconds(total)}.`,
      );
    }
    if (gap > Math.max(1, 50 * median))
      warnings.push(
        `There is a gap of ${seconds(gap)} with no frames before frame ${f} (at ${seconds(pts[f] as number)}).`,
      );
  }
  let result = timing;
  // A frame's duration past its successor is the muxer's guess (or derived from a header duration); an absurd one
  // would stretch the duration shown, so it counts as a typical frame.
  const limit = Math.max(1, 50 * median);
  const longest = durations.reduce((best, d, f) => (d > (durations[best] ?? 0) ? f : best), 0);
  if (n >= 2 && (durations[longest] as number) > limit) {
    const end = Math.max(...pts.map((p, f) => p + Math.min(durations[f] as number, median)));
    warnings.push(
      `Frame ${longest} claims to last ${seconds(durations[longest] as number)} while the others last ${seconds(median)}; the duration counts it as ${seconds(median)} (${seconds(end)} in all).`,
    );
    result = { ...timing, durationSeconds: end };
  }
  for (const claim of claims.durations ?? []) {
    if (!(claim.seconds > 0) || !Number.isFinite(claim.seconds)) continue;
    const span = result.durationSeconds;
    if (Math.abs(claim.seconds - span) > Math.max(1, 0.5 * span)) {
      warnings.push(
        `The ${claim.name} says the video lasts ${seconds(claim.seconds)}, but its ${n} frames span ${seconds(span)}; times and duration follow the frames.`,
      );
    }
  }
  return result;
}
