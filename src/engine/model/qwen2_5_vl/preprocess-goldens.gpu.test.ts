// The GPU preprocessor fed each golden case's decoded RGB frames, with the tiny checkpoint's own
// preprocessor_config.json through the ModelSpec, against what the reference pipeline (torchvision resize +
// transformers 4.51.1's processor) recorded in the same golden: every resized uint8 frame and every
// pixel_values_videos float, bit for bit. An independent cross-check of the preprocess kernels' own torch fixture.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstDiff, runPreprocessor } from '../../../test-utils/cpu/preprocess-gpu-run';
import type { CaseMeta } from '../../../test-utils/golden-meta';
import { goldenNames, loadGolden, REPO_ROOT } from '../../../test-utils/goldens';
import { testGpu } from '../../../test-utils/gpu';
import { rgbToRgba } from '../../../test-utils/parity';
import { parseModelSpec } from '../../spec';

const TINY = join(REPO_ROOT, 'public/models/video-r2-tiny');
const spec = parseModelSpec({
  config: readFileSync(join(TINY, 'config.json'), 'utf8'),
  preprocessorConfig: readFileSync(join(TINY, 'preprocessor_config.json'), 'utf8'),
});

describe.each(goldenNames('case'))('GPU preprocessing of the %s golden frames', (name) => {
  it('gives its resized frames and pixel_values_videos bit for bit', async () => {
    const ctx = await testGpu();
    const golden = loadGolden(name);
    const meta = golden.meta<CaseMeta>();
    const src = golden.u8('inputs.safetensors', 'frames_sampled_rgb');
    const [n, sh, sw] = src.shape as [number, number, number, number];
    const [th, tw] = meta.sampling.resized_hw;
    const frame = (rgb: Uint8Array, h: number, w: number, i: number) =>
      rgbToRgba(rgb.subarray(i * h * w * 3, (i + 1) * h * w * 3));
    const frames = Array.from({ length: n }, (_, i) => frame(src.data, sh, sw, i));
    const run = await runPreprocessor(ctx, frames, sw, sh, { height: th, width: tw }, { processor: spec.preprocessor });

    const resized = golden.u8('inputs.safetensors', 'frames_resized_rgb').data;
    run.resized.forEach((f, i) => expect(firstDiff(f, frame(resized, th, tw, i)), `resized frame ${i}`).toBeNull());
    const want = golden.f32('inputs.safetensors', 'pixel_values_videos');
    expect(run.shape).toEqual(want.shape);
    expect(firstDiff(run.pixelValues, want.data)).toBeNull();
    expect(ctx.errors).toEqual([]);
  });
});
