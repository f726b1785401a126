import { describe, expect, it } from 'vitest';
import { getRopeIndex, videoTimePosition } from './rope-index';

const PAD = 151656;

describe('videoTimePosition (transformers 4.51 rule)', () => {
  it('multiplies in float32 and truncates (s = 3.75: 32 frames from 60 s)', () => {
    const got = Array.from({ length: 16 }, (_, k) => videoTimePosition(k, 3.75, 2));
    expect(got.slice(0, 5)).toEqual([0, 7, 15, 22, 30]);
    expect(got[15]).toBe(112);
  });
  it('matches torch for s = float32(0.7): [0, 1, 2, 4, 5, 7] (f32 products, then truncation)', () => {
    // torch: (arange(6).view(-1, 1) * tensor(0.7, float32) * 2).long()
    expect(Array.from({ length: 6 }, (_, k) => videoTimePosition(k, 0.7, 2))).toEqual([0, 1, 2, 4, 5, 7]);
    // ≥ 4.52 would give k · trunc(0.7) · 2 = 0 for every k.
  });
});

describe('getRopeIndex', () => {
  it('gives text-only sequences 0..L-1 on all axes and delta 0', () => {
    const { positions, ropeDelta } = getRopeIndex({
      ids: [1, 2, 3],
      videoTokenId: PAD,
      grid: null,
      secondPerGridT: 1,
      tokensPerSecond: 2,
      spatialMergeSize: 2,
    });
    expect(Array.from(positions)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(ropeDelta).toBe(0);
  });

  it('lays out a video span by (time, row, col) and resumes text after the max', () => {
    // 3 text tokens, a 2×(4×6 patches → 2×3 merged) video = 12 tokens, 2 text tokens.
    const ids = [10, 11, 12, ...Array(12).fill(PAD), 13, 14];
    const s = 1.5; // tpos = trunc(k·1.5·2) = 0, 3
    const { positions, ropeDelta } = getRopeIndex({
      ids,
      videoTokenId: PAD,
      grid: { t: 2, h: 4, w: 6 },
      secondPerGridT: s,
      tokensPerSecond: 2,
      spatialMergeSize: 2,
    });
    const L = ids.length;
    const axis = (a: number) => Array.from(positions.slice(a * L, (a + 1) * L));
    expect(axis(0)).toEqual([0, 1, 2, 3, 3, 3, 3, 3, 3, 6, 6, 6, 6, 6, 6, 7, 8]);
    expect(axis(1)).toEqual([0, 1, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4, 7, 8]);
    expect(axis(2)).toEqual([0, 1, 2, 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5, 7, 8]);
    // max position 8, L = 17 → delta = 9 − 17
    expect(ropeDelta).toBe(-8);
  });

  it('rejects a pad count that does not match the grid', () => {
    const ids = [1, PAD, PAD, 2];
    expect(() =>
      getRopeIndex({
        ids,
        videoTokenId: PAD,
        grid: { t: 1, h: 4, w: 4 },
        secondPerGridT: 1,
        tokensPerSecond: 2,
        spatialMergeSize: 2,
      }),
    ).toThrow(/4 consecutive video tokens/);
  });
});
