// The preprocessing shaders in Chromium's own WebGPU (Tint + the browser's driver), where the integer FMA has to
// give the same bits as in Node's Dawn: one downscale and one upscale against the CPU reference.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { pixelValuesReference, resizeFrameReference } from '../../../test-utils/cpu/preprocess';
import { firstDiff, randomFrames, runPreprocessor } from '../../../test-utils/cpu/preprocess-gpu-run';

describe('createPreprocessor in Chromium', () => {
  it.each([
    [131, 77, 56, 84],
    [23, 17, 56, 84],
  ] as const)('%i×%i → %i×%i matches the CPU reference exactly', async (w, h, th, tw) => {
    const ctx = await testGpu();
    const frames = randomFrames(w * h, 3, w, h);
    const run = await runPreprocessor(ctx, frames, w, h, { height: th, width: tw });
    const want = frames.map((f) => resizeFrameReference(f, w, h, th, tw));
    run.resized.forEach((f, i) => expect(firstDiff(f, want[i]!), `frame ${i}`).toBeNull());
    expect(firstDiff(run.pixelValues, pixelValuesReference(want, th, tw))).toBeNull();
    expect(ctx.errors).toEqual([]);
  });
});
