// The two resize passes on their own: the width pass's float32 output bit for bit, and the height pass's
// rounding, clamping and patch scatter from a hand-made intermediate.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import {
  normalizeReference,
  QWEN_VIDEO_PROCESSOR,
  resizeWidthReference,
  rgbaToPlanar,
} from '../../../test-utils/cpu/preprocess';
import { firstDiff, randomFrames } from '../../../test-utils/cpu/preprocess-gpu-run';
import type { GpuContext } from '../../gpu/device';
import { runOps } from '../../gpu/dispatch';
import { createTensor, readBuffer, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { resizeHorizontal, resizeVerticalPatchify, tapTableData } from './kernels';
import { normalizeLut } from './normalize-lut';
import { resizeTaps } from './resize-weights';

function tapTensors(
  ctx: GpuContext,
  inSize: number,
  outSize: number,
  pass: 'width' | 'height',
): [GpuTensor, GpuTensor] {
  const d = tapTableData(resizeTaps(inSize, outSize), pass);
  return [
    uploadTensor(ctx, 'taps', 'u32', [outSize, 2], d.pairs),
    uploadTensor(ctx, 'weights', 'f32', d.weightShape, d.weights),
  ];
}

describe('resizeHorizontal', () => {
  it.each([
    ['downscale ×3.3 (1920 → 588)', 1920, 9, 588],
    ['downscale ×13 (7680 → 588), staged in several chunks', 7680, 5, 588],
    ['upscale (17 → 336)', 17, 6, 336],
    ['identity width', 84, 7, 84],
    ['odd width, tile remainder', 131, 5, 28],
  ] as const)('%s: float32 output identical to ATen order + FMA', async (_what, w, h, ow) => {
    const ctx = await testGpu();
    const frame = randomFrames(w + ow, 1, w, h)[0]!;
    const src = uploadTensor(ctx, 'src', 'u32', [h, w], new Uint32Array(frame.buffer));
    const [taps, weights] = tapTensors(ctx, w, ow, 'width');
    const inter = createTensor(ctx, 'inter', 'f32', [3, h, ow]);
    const pass = resizeHorizontal(ctx, 'h', { src, taps, weights, inter });
    runOps(ctx, [pass]);
    const got = new Float32Array(await readBuffer(ctx, inter.buffer));
    const want = resizeWidthReference(rgbaToPlanar(frame, w, h), ow).data;
    // Numeric equality (an exact-zero sum may carry either sign).
    expect(firstDiff(got, want)).toBeNull();
    for (const t of [src, taps, weights, inter]) t.buffer.destroy();
    pass.destroy();
    expect(ctx.errors).toEqual([]);
  });
});

describe('resizeVerticalPatchify', () => {
  it('clamps, rounds half to even and scatters into both temporal slots of the right row', async () => {
    const ctx = await testGpu();
    const [oh, ow] = [56, 84]; // identity height: each output is exactly its intermediate value
    const ties = [-3, -0.5, 0.5, 1.5, 2.5, 2.5000002, 126.49999, 254.5, 255.49998, 255.5, 300, 77];
    const inter = new Float32Array(3 * oh * ow).map((_, i) => ties[(i * 7 + (i >> 5)) % ties.length]!);
    const interT = uploadTensor(ctx, 'inter', 'f32', [3, oh, ow], inter);
    const [taps, weights] = tapTensors(ctx, oh, oh, 'height');
    const lut = uploadTensor(ctx, 'lut', 'f32', [256, 4], normalizeLut(QWEN_VIDEO_PROCESSOR));
    const resized = createTensor(ctx, 'resized', 'u32', [oh, ow]);
    const rowsPerT = (oh / 14) * (ow / 14);
    const pixels = createTensor(ctx, 'pixels', 'f32', [3 * rowsPerT, 1176]);
    const pass = resizeVerticalPatchify(
      ctx,
      'v',
      { inter: interT, taps, weights, lut, resized, pixels },
      QWEN_VIDEO_PROCESSOR,
    );
    pass.set({ rowBase: rowsPerT, ttMask: 0b11 }); // temporal patch 1, frame repeated
    runOps(ctx, [pass]);
    const rgba = new Uint8Array(await readBuffer(ctx, resized.buffer));
    const px = new Float32Array(await readBuffer(ctx, pixels.buffer));

    const u8 = (v: number): number => {
      const c = Math.min(Math.max(v, 0), 255);
      const f = Math.floor(c);
      return c - f > 0.5 || (c - f === 0.5 && f % 2 === 1) ? f + 1 : f;
    };
    const n = oh * ow;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++)
        expect(rgba[i * 4 + c], `pixel ${i} channel ${c} from ${inter[c * n + i]}`).toBe(u8(inter[c * n + i]!));
      expect(rgba[i * 4 + 3]).toBe(255);
    }
    // Row (t, bh, bw, mh, mw), column (c, tt, py, px); temporal patches 0 and 2 stay untouched.
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const [hp, wp] = [Math.floor(y / 14), Math.floor(x / 14)];
        const row = rowsPerT + (Math.floor(hp / 2) * (ow / 28) + Math.floor(wp / 2)) * 4 + (hp % 2) * 2 + (wp % 2);
        for (let c = 0; c < 3; c++) {
          const want = normalizeReference(rgba[(y * ow + x) * 4 + c]!, c);
          for (const tt of [0, 1]) expect(px[row * 1176 + c * 392 + tt * 196 + (y % 14) * 14 + (x % 14)]).toBe(want);
        }
      }
    }
    expect(
      px.subarray(0, rowsPerT * 1176).findIndex((v) => v !== 0),
      'first index where it fails',
    ).toBe(-1);
    expect(
      px.subarray(2 * rowsPerT * 1176).findIndex((v) => v !== 0),
      'first index where it fails',
    ).toBe(-1);
    for (const t of [interT, taps, weights, lut, resized, pixels]) t.buffer.destroy();
    pass.destroy();
    expect(ctx.errors).toEqual([]);
  });

  it('rejects a resized size that is not a multiple of patch·merge', async () => {
    const ctx = await testGpu();
    const t = (shape: number[], dtype: 'f32' | 'u32' = 'f32') => createTensor(ctx, 'x', dtype, shape);
    expect(() =>
      resizeVerticalPatchify(
        ctx,
        'v',
        {
          inter: t([3, 10, 42]),
          taps: t([28, 2], 'u32'),
          weights: t([28, 5]),
          lut: t([256, 4]),
          resized: t([28, 42], 'u32'),
          pixels: t([6, 1176]),
        },
        QWEN_VIDEO_PROCESSOR,
      ),
    ).toThrow(/resized 28×42 is not a multiple of patch·merge = 28/);
  });
});
