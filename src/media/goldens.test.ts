// planSampling against every golden case's recorded sampling (tools/reference: qwen-vl-utils' rules re-derived
// in Python, torch.linspace, the transformers 4.51.1 processor): frame indices, nframes, sample fps, the
// resized size, the grid and second_per_grid_ts, from the facts the reference read off each source video.
import { describe, expect, it } from 'vitest';
import type { CaseMeta } from '../test-utils/golden-meta';
import { goldenNames, loadGolden } from '../test-utils/goldens';
import { planSampling, type SamplingSettings } from './plan';
import { VIDEO_R2 } from './sampling';

/** The golden's qwen-vl-utils video element as our settings (fps mode when the element names no nframes). */
function settingsOf(meta: CaseMeta): SamplingSettings {
  const e = meta.element;
  const mode: SamplingSettings['mode'] =
    e.nframes !== undefined
      ? { kind: 'nframes', nframes: e.nframes }
      : { kind: 'fps', fps: e.fps ?? VIDEO_R2.fps, minFrames: VIDEO_R2.fpsMinFrames, maxFrames: meta.fps_max_frames };
  if (e.min_pixels === undefined || e.max_pixels === undefined)
    throw new Error(`${meta.video.file}: the element has no pixel bounds`);
  return { mode, minPixels: e.min_pixels, maxPixels: e.max_pixels };
}

describe.each(goldenNames('case'))('planSampling vs the %s golden', (name) => {
  const golden = loadGolden(name);
  const meta = golden.meta<CaseMeta>();

  it('derives the same frames, size, grid and second_per_grid_ts', () => {
    const v = meta.video;
    const plan = planSampling(
      { totalFrames: v.total_frames, averageFps: v.video_fps, width: v.width, height: v.height },
      settingsOf(meta),
    );
    const s = meta.sampling;
    expect(plan.nframes).toBe(s.nframes);
    expect(plan.indices).toEqual(s.indices);
    expect(plan.sampleFps).toBe(s.sample_fps);
    expect([plan.resized.height, plan.resized.width]).toEqual(s.resized_hw);
    expect([plan.grid.t, plan.grid.h, plan.grid.w]).toEqual(meta.video_grid_thw);
    expect([plan.grid.t, plan.grid.h, plan.grid.w]).toEqual(
      Array.from(golden.i32('inputs.safetensors', 'video_grid_thw').data),
    );
    // The processor's Python float, and the float32 the model's get_rope_index reads.
    expect(plan.secondPerGridT).toBe(Math.fround(meta.second_per_grid_ts));
    expect(plan.secondPerGridT).toBe(golden.f32('inputs.safetensors', 'second_per_grid_ts').data[0]);
    // The frames the reference fed the processor have the planned count and sizes.
    expect(golden.tensor('inputs.safetensors', 'frames_sampled_rgb').shape).toEqual([s.nframes, v.height, v.width, 3]);
    expect(golden.tensor('inputs.safetensors', 'frames_resized_rgb').shape).toEqual([s.nframes, ...s.resized_hw, 3]);
  });
});
