import { describe, expect, it } from 'vitest';
import { MediaError } from './errors';
import { formatHhMmSs, frameRange, sampleFps, sampleIndices, secondPerGridT, smartNframes } from './sampling';

const fpsMode = (maxFrames = 32) => ({ kind: 'fps' as const, fps: 2, minFrames: 4, maxFrames });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof MediaError ? e.code : 'not a MediaError';
  }
  return 'no error';
};

describe('smartNframes, nframes mode (the demo slider)', () => {
  it('rounds to even with ties to even', () => {
    const n = (nframes: number) => smartNframes({ kind: 'nframes', nframes }, 10_000, 30);
    expect([32, 33, 35, 5, 7, 2, 3, 768, 767].map(n)).toEqual([32, 32, 36, 4, 8, 2, 4, 768, 768]);
  });
  it('errors below 2 and above the frame count', () => {
    expect(codeOf(() => smartNframes({ kind: 'nframes', nframes: 1 }, 100, 30))).toBe('TOO_FEW_FRAMES'); // round(0.5) = 0
    expect(codeOf(() => smartNframes({ kind: 'nframes', nframes: 32 }, 31, 30))).toBe('TOO_FEW_FRAMES');
    expect(smartNframes({ kind: 'nframes', nframes: 32 }, 32, 30)).toBe(32);
    expect(codeOf(() => smartNframes({ kind: 'nframes', nframes: Number.NaN }, 31, 30))).toBe('INVALID_OPTIONS');
  });
});

describe('smartNframes, fps mode', () => {
  it('samples 2 fps between min 4 and max FPS_MAX_FRAMES, floored to even', () => {
    expect(smartNframes(fpsMode(), 300, 30)).toBe(20); // 10 s · 2
    expect(smartNframes(fpsMode(), 3000, 30)).toBe(32); // capped by FPS_MAX_FRAMES
    expect(smartNframes(fpsMode(128), 3000, 30)).toBe(128); // the eval setting
    expect(smartNframes(fpsMode(), 9, 30)).toBe(4); // raised to the minimum
    expect(smartNframes(fpsMode(), 299, 30000 / 1001)).toBe(18); // 19.95 → 18
    expect(smartNframes(fpsMode(), 3, 30)).toBe(2); // max = floor2(min(32, 3)) = 2
    expect(smartNframes(fpsMode(7), 1000, 30)).toBe(6); // max = floor2(7)
  });
  it('errors on fewer than 2 frames', () => {
    expect(codeOf(() => smartNframes(fpsMode(), 1, 30))).toBe('TOO_FEW_FRAMES');
  });
});

describe('frameRange (calculate_video_frame_range)', () => {
  it('is the whole video without a range', () => {
    expect(frameRange(90, 30)).toEqual({ startFrame: 0, endFrame: 89, frameCount: 90 });
  });
  it('uses ceil for the start and floor for the end, clamped to the video', () => {
    expect(frameRange(300, 30, 1.01, 5.99)).toEqual({ startFrame: 31, endFrame: 179, frameCount: 149 });
    expect(frameRange(300, 30, undefined, 100)).toEqual({ startFrame: 0, endFrame: 299, frameCount: 300 });
    expect(frameRange(300, 30, -4, undefined)).toEqual({ startFrame: 0, endFrame: 299, frameCount: 300 });
    expect(frameRange(300, 30, 2, 2.05)).toEqual({ startFrame: 60, endFrame: 61, frameCount: 2 });
  });
  it('errors when start is not before end', () => {
    expect(codeOf(() => frameRange(300, 30, 5, 5))).toBe('INVALID_TIME_RANGE');
    expect(codeOf(() => frameRange(300, 30, 10, undefined))).toBe('INVALID_TIME_RANGE'); // ceil(300) ≥ 299
    expect(codeOf(() => frameRange(300, 0))).toBe('INVALID_TIME_RANGE');
  });
});

describe('sampleIndices (torch.linspace(...).round().long())', () => {
  // Expected arrays printed by torch 2.7.0 (CPU): torch.linspace(s, e, n).round().long().tolist().
  it('matches hand-derived small cases', () => {
    expect(sampleIndices(0, 29, 4)).toEqual([0, 10, 19, 29]); // 0, 9.67, 19.33, 29
    expect(sampleIndices(0, 9, 4)).toEqual([0, 3, 6, 9]);
    expect(sampleIndices(0, 4, 3)).toEqual([0, 2, 4]);
    expect(sampleIndices(0, 5, 3)).toEqual([0, 2, 5]); // 2.5 → 2
    expect(sampleIndices(0, 7, 3)).toEqual([0, 4, 7]); // 3.5 → 4
    expect(sampleIndices(3, 4, 2)).toEqual([3, 4]);
    expect(sampleIndices(10, 50, 8)).toEqual([10, 16, 21, 27, 33, 39, 44, 50]);
  });
  it('matches torch for 32 of 100 and 101 frames', () => {
    expect(sampleIndices(0, 99, 32)).toEqual([
      0, 3, 6, 10, 13, 16, 19, 22, 26, 29, 32, 35, 38, 42, 45, 48, 51, 54, 57, 61, 64, 67, 70, 73, 77, 80, 83, 86, 89,
      93, 96, 99,
    ]);
    expect(sampleIndices(0, 100, 32)).toEqual([
      0, 3, 6, 10, 13, 16, 19, 23, 26, 29, 32, 35, 39, 42, 45, 48, 52, 55, 58, 61, 65, 68, 71, 74, 77, 81, 84, 87, 90,
      94, 97, 100,
    ]);
  });
  it('matches torch on a long video where double rounding would pick different frames', () => {
    const idx = sampleIndices(0, 169242, 128);
    expect(idx.length).toBe(128);
    expect(idx.slice(0, 8)).toEqual([0, 1333, 2665, 3998, 5330, 6663, 7996, 9328]);
    expect(idx.slice(60, 70)).toEqual([79957, 81289, 82622, 83955, 85287, 86620, 87953, 89285, 90618, 91950]);
    expect(idx.slice(120)).toEqual([159914, 161246, 162579, 163912, 165244, 166577, 167909, 169242]);
  });
});

describe('sampleIndices at the top of the demo range (768 frames)', () => {
  it('matches torch on 176097 frames, including index 585 where double rounding differs', () => {
    const idx = sampleIndices(0, 176096, 768);
    expect(idx.slice(0, 5)).toEqual([0, 230, 459, 689, 918]);
    expect(idx.slice(380, 390)).toEqual([87244, 87474, 87704, 87933, 88163, 88392, 88622, 88852, 89081, 89311]);
    expect(idx.slice(-3)).toEqual([175637, 175866, 176096]);
    expect(idx.reduce((a, b) => a + b, 0)).toBe(67620863); // sum of torch's 768 indices
  });
});

describe('sampleFps and secondPerGridT', () => {
  it('gives 2 / sample_fps as a float32 (values printed by torch.tensor([2 / sf]))', () => {
    const cases: [number, number, number, number][] = [
      [32, 1800, 30, 3.75],
      [32, 90, 30, 0.1875],
      [4, 9, 30, 0.15000000596046448],
      [20, 300, 30, 1],
      [18, 299, 30000 / 1001, 1.1085147857666016],
      [32, 1000, 24, 2.6041667461395264],
    ];
    for (const [n, total, fps, expected] of cases) expect(secondPerGridT(sampleFps(n, total, fps))).toBe(expected);
    expect(sampleFps(32, 90, 30)).toBe(10.666666666666668);
  });
});

describe('formatHhMmSs', () => {
  it('truncates to whole seconds', () => {
    expect([0, 0.999, 59.99, 61, 3599.5, 3600, 36000 + 62].map(formatHhMmSs)).toEqual([
      '00:00:00',
      '00:00:00',
      '00:00:59',
      '00:01:01',
      '00:59:59',
      '01:00:00',
      '10:01:02',
    ]);
  });
});
