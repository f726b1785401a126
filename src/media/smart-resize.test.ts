import { describe, expect, it } from 'vitest';
import { MediaError } from './errors';
import { planSampling } from './plan';
import { frameMaxPixels, smartResize, videoGrid } from './smart-resize';

const demo = (h: number, w: number) => smartResize(h, w, 28, 100352, 200704);

describe('smartResize', () => {
  // Values printed by qwen_vl_utils.smart_resize (Video-R2 copy) in Python.
  it('matches the reference on common and awkward sizes', () => {
    expect(demo(1080, 1920)).toEqual({ height: 336, width: 588 });
    expect(demo(360, 640)).toEqual({ height: 336, width: 588 });
    expect(demo(4320, 7680)).toEqual({ height: 336, width: 588 });
    expect(demo(480, 640)).toEqual({ height: 364, width: 504 });
    expect(demo(16, 16)).toEqual({ height: 336, width: 336 });
    expect(demo(77, 101)).toEqual({ height: 280, width: 364 });
    expect(demo(20, 4000)).toEqual({ height: 28, width: 4004 });
    expect(demo(1, 200)).toEqual({ height: 28, width: 4480 });
    expect(smartResize(720, 1280, 28, 100352, 151200)).toEqual({ height: 280, width: 504 }); // eval setting
  });
  it('rejects aspect ratios above 200 with ASPECT_RATIO, and accepts exactly 200', () => {
    expect(demo(19, 3800)).toEqual({ height: 28, width: 3808 }); // 200.0 is allowed
    let error: unknown;
    try {
      demo(19, 3801);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe('ASPECT_RATIO');
    expect((error as MediaError).message).toContain('3801×19');
  });
});

describe('frameMaxPixels (fetch_video budget)', () => {
  it('caps by VIDEO_MAX_PIXELS, the total budget per frame pair and the caller max', () => {
    expect(frameMaxPixels(32, 100352, 200704)).toBe(200704);
    expect(frameMaxPixels(32, 100352, undefined)).toBe(602112);
    expect(frameMaxPixels(768, 100352, undefined)).toBe(235200); // 90316800 / 768 · 2
    expect(frameMaxPixels(768, 100352, undefined, 1_000_000)).toBe(105369); // int(100352 · 1.05)
  });
});

describe('videoGrid', () => {
  it('gives the demo grid and token count', () => {
    expect(videoGrid(32, { height: 336, width: 588 })).toEqual({ t: 16, h: 24, w: 42, patchRows: 16128, tokens: 4032 });
    expect(videoGrid(128, { height: 280, width: 504 }).tokens).toBe(11520);
    expect(videoGrid(3, { height: 28, width: 28 }).t).toBe(2); // odd counts repeat the last frame
  });
});

describe('planSampling', () => {
  it('chains range, count, indices, fps, budget, size and grid', () => {
    const plan = planSampling(
      { totalFrames: 1800, averageFps: 30, width: 1920, height: 1080 },
      { mode: { kind: 'nframes', nframes: 32 }, minPixels: 100352, maxPixels: 200704 },
    );
    expect(plan.nframes).toBe(32);
    expect(plan.indices.slice(0, 4)).toEqual([0, 58, 116, 174]);
    expect(plan.indices.at(-1)).toBe(1799);
    expect(plan.secondPerGridT).toBe(3.75);
    expect(plan.resized).toEqual({ height: 336, width: 588 });
    expect(plan.grid.tokens).toBe(4032);
  });
  it('uses the selected range as total_frames for the count and sample fps', () => {
    const plan = planSampling(
      { totalFrames: 300, averageFps: 30, width: 640, height: 480 },
      {
        mode: { kind: 'fps', fps: 2, minFrames: 4, maxFrames: 32 },
        minPixels: 100352,
        maxPixels: 200704,
        videoStart: 1.01,
        videoEnd: 5.99,
      },
    );
    expect(plan.range).toEqual({ startFrame: 31, endFrame: 179, frameCount: 149 });
    expect(plan.nframes).toBe(8); // 149 / 30 · 2 = 9.93 → 8
    expect(plan.indices[0]).toBe(31);
    expect(plan.indices.at(-1)).toBe(179);
    expect(plan.sampleFps).toBe((8 / 149) * 30);
  });
  it('rejects bad options with INVALID_OPTIONS', () => {
    expect(() =>
      planSampling(
        { totalFrames: 300, averageFps: 30, width: 64, height: 64 },
        { mode: { kind: 'nframes', nframes: 4 }, minPixels: -1, maxPixels: 200704 },
      ),
    ).toThrow('min_pixels');
  });
});
