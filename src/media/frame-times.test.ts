import { describe, expect, it } from 'vitest';
import { framePairAtModelTime, type SampledTime } from './frame-times';

// vfr.mp4's shape: 60 frames at 30 fps then 30 at 10 fps (90 frames over 5 s, average 18 fps); 6 sampled frames.
const avg = 18;
const real = (i: number) => (i < 60 ? i / 30 : 2 + (i - 60) / 10);
const times: SampledTime[] = [0, 18, 36, 53, 71, 89].map((sourceIndex, ordinal) => ({
  ordinal,
  sourceIndex,
  referenceTime: sourceIndex / avg,
  presentationTime: real(sourceIndex),
}));

describe('framePairAtModelTime', () => {
  it('maps a cited time through the frame the model saw there to its real presentation time', () => {
    // The model is told frame 71 is at 3.94 s; it is really shown at 3.1 s.
    const hit = framePairAtModelTime(times, 3.9);
    expect(hit?.pair).toBe(2);
    expect(hit?.nearest.sourceIndex).toBe(71);
    expect(hit?.frames.map((f) => f.sourceIndex)).toEqual([71, 89]);
    expect(hit?.seekTo).toBeCloseTo(3.1, 9);
  });
  it('clamps times outside the sampled range to the first / last pair, and is null before any frame', () => {
    expect(framePairAtModelTime(times, -5)?.pair).toBe(0);
    expect(framePairAtModelTime(times, 999)?.nearest.sourceIndex).toBe(89);
    expect(framePairAtModelTime([], 1)).toBeNull();
  });
});
