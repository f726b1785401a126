import { describe, expect, it } from 'vitest';
import { buildSampleTable, type RawSample } from '../demux/sample-table';
import { keyframeFor, planDecodeRuns, samplesFed } from './decode-plan';

/**
 * A synthetic H.264-like stream in decode order: GOPs of `gop` frames, each "I P B B P B B ..." where B-frames are
 * displayed before the P that precedes them in decode order (pts in frame units).
 */
function bframeStream(gops: number, gop: number): RawSample[] {
  const out: RawSample[] = [];
  for (let g = 0; g < gops; g++) {
    const base = g * gop;
    out.push({ isKey: true, pts: base, duration: 1, visible: true });
    for (let i = 1; i < gop; i += 3) {
      const p = Math.min(i + 2, gop - 1);
      out.push({ isKey: false, pts: base + p, duration: 1, visible: true });
      for (let b = i; b < p; b++) out.push({ isKey: false, pts: base + b, duration: 1, visible: true });
    }
  }
  return out;
}

describe('buildSampleTable', () => {
  it('orders frames by presentation time and maps both ways', () => {
    const t = buildSampleTable(bframeStream(1, 7)); // decode: I0 P3 B1 B2 P6 B4 B5
    expect(Array.from(t.decodeIndexOfFrame)).toEqual([0, 2, 3, 1, 5, 6, 4]);
    expect(Array.from(t.frameIndexOf)).toEqual([0, 3, 1, 2, 6, 4, 5]);
  });
  it('leaves samples hidden by an edit list out of the frame order', () => {
    const t = buildSampleTable([
      { isKey: true, pts: -1, duration: 1, visible: false },
      { isKey: false, pts: 0, duration: 1, visible: true },
    ]);
    expect(Array.from(t.decodeIndexOfFrame)).toEqual([1]);
    expect(Array.from(t.frameIndexOf)).toEqual([-1, 0]);
  });
});

describe('planDecodeRuns', () => {
  const table = buildSampleTable(bframeStream(10, 30)); // 300 frames, keyframe every 30

  it('feeds from the GOP keyframe up to the target in decode order', () => {
    // Frame 31 is a B-frame of GOP 1: decode order I30 P33 B31 → indices 30..32.
    expect(planDecodeRuns(table, [31])).toEqual([{ fromDecode: 30, toDecode: 32, frames: [31] }]);
  });
  it('batches targets in one GOP and chains adjacent GOPs, but jumps over gaps', () => {
    const runs = planDecodeRuns(table, [0, 10, 28, 30, 200]);
    expect(runs.map((r) => [r.fromDecode, r.frames])).toEqual([
      [0, [0, 10, 28, 30]],
      [180, [200]],
    ]);
    expect(runs[0]?.toDecode).toBe(30); // frame 28 is the last sample of GOP 0 (decode 29), so GOP 1 follows on
    expect(planDecodeRuns(table, [29, 30]).length).toBe(2); // frame 29 is decoded before B28: a gap of one sample
  });
  it('never feeds more than one GOP per target (the whole video is not decoded)', () => {
    const targets = [0, 37, 75, 112, 150, 187, 225, 262, 299];
    const fed = samplesFed(planDecodeRuns(table, targets));
    expect(fed).toBeLessThanOrEqual(targets.length * 30);
    expect(fed).toBeLessThan(300);
  });
  it('accepts duplicates and unsorted input, rejects out-of-range frames', () => {
    expect(planDecodeRuns(table, [5, 5, 2]).flatMap((r) => r.frames)).toEqual([2, 5]);
    expect(() => planDecodeRuns(table, [300])).toThrow(RangeError);
  });
});

describe('keyframeFor', () => {
  it('steps back a GOP for open-GOP leading pictures shown before their keyframe', () => {
    // decode: I0 P1 | I(pts 4) B(pts 3, leading, references the previous GOP) P(pts 5)
    const t = buildSampleTable([
      { isKey: true, pts: 0, duration: 1, visible: true },
      { isKey: false, pts: 2, duration: 1, visible: true },
      { isKey: false, pts: 1, duration: 1, visible: true },
      { isKey: true, pts: 4, duration: 1, visible: true },
      { isKey: false, pts: 3, duration: 1, visible: true },
      { isKey: false, pts: 5, duration: 1, visible: true },
    ]);
    expect(keyframeFor(t, 5)).toBe(3);
    expect(keyframeFor(t, 4)).toBe(0);
  });
});
