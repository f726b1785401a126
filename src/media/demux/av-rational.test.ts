import { describe, expect, it } from 'vitest';
import { avReduce, INT_MAX, reducedRatio } from './av-rational';

describe('avReduce (ffmpeg av_reduce)', () => {
  it('reduces exact fractions', () => {
    expect(avReduce(15360n * 90n, 46080n, BigInt(INT_MAX))).toEqual([30n, 1n]);
    expect(avReduce(90000n * 90n, 432000n, BigInt(INT_MAX))).toEqual([75n, 4n]); // 18.75 fps
  });
  it('approximates within the bound like libavformat does for Matroska DefaultDuration', () => {
    // 1e9 / 33333333 ns with max 30000 → 30/1; 1e9 / 41666667 → 24/1; 1e9 / 33366667 (29.97) → 30000/1001.
    expect(avReduce(1_000_000_000n, 33_333_333n, 30000n)).toEqual([30n, 1n]);
    expect(avReduce(1_000_000_000n, 41_666_667n, 30000n)).toEqual([24n, 1n]);
    expect(avReduce(1_000_000_000n, 33_366_667n, 30000n)).toEqual([30000n, 1001n]);
    expect(reducedRatio(1e9, 33_366_667, 30000)).toBe(30000 / 1001);
  });
  it('keeps signs', () => {
    expect(avReduce(-6n, 4n, 100n)).toEqual([-3n, 2n]);
  });
});
