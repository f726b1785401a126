// Which samples to feed the decoder to get a set of frames, without decoding the whole video: each target frame
// needs the samples from the keyframe before it (in decode order) up to itself. Targets sharing a GOP, or whose
// GOPs follow each other directly, share one run; between runs the decoder is flushed and jumps to the next key.

import type { SampleTable } from '../demux/sample-table';

export interface DecodeRun {
  /** First sample to feed (a keyframe), decode order. */
  fromDecode: number;
  /** Last sample to feed, decode order, inclusive. */
  toDecode: number;
  /** Frame indices (presentation order) this run must deliver, ascending. */
  frames: number[];
}

/**
 * The keyframe to start from for the sample at `decodeIndex`: the last sync sample at or before it in decode
 * order, stepping back one more GOP while the frame is displayed before that keyframe (leading pictures of an
 * open GOP reference the previous GOP).
 */
export function keyframeFor(table: SampleTable, decodeIndex: number): number {
  let k = decodeIndex;
  while (k > 0 && !table.isKey[k]) k--;
  while (k > 0 && (table.pts[decodeIndex] as number) < (table.pts[k] as number)) {
    k--;
    while (k > 0 && !table.isKey[k]) k--;
  }
  return k;
}

/** Runs covering `frameIndices` (any order, duplicates allowed). */
export function planDecodeRuns(table: SampleTable, frameIndices: readonly number[]): DecodeRun[] {
  const frameCount = table.decodeIndexOfFrame.length;
  const unique = [...new Set(frameIndices)].sort((a, b) => a - b);
  for (const f of unique) {
    if (!Number.isInteger(f) || f < 0 || f >= frameCount)
      throw new RangeError(`frame index ${f} outside 0..${frameCount - 1}`);
  }
  const needs = unique
    .map((frame) => {
      const d = table.decodeIndexOfFrame[frame] as number;
      return { frame, decode: d, key: keyframeFor(table, d) };
    })
    .sort((a, b) => a.key - b.key || a.decode - b.decode);
  const runs: DecodeRun[] = [];
  for (const n of needs) {
    const last = runs.at(-1);
    if (last && n.key <= last.toDecode + 1) {
      last.toDecode = Math.max(last.toDecode, n.decode);
      last.frames.push(n.frame);
    } else {
      runs.push({ fromDecode: n.key, toDecode: n.decode, frames: [n.frame] });
    }
  }
  for (const r of runs) r.frames.sort((a, b) => a - b);
  return runs;
}

/** Samples a plan feeds in total: the decode cost. */
export function samplesFed(runs: readonly DecodeRun[]): number {
  return runs.reduce((sum, r) => sum + r.toDecode - r.fromDecode + 1, 0);
}
