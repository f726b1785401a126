// Pins the plain-TS reference to torch: the same uint8 frames and pixel values as
// torchvision 0.22 + transformers 4.51.1 (tools/reference/preprocess_goldens.py).
import { describe, expect, it } from 'vitest';
import { interpolateReference, pixelValuesReference, resizeFrameReference } from './preprocess';
import { loadPreprocessFixture, rgbFramesToRgba } from './preprocess-fixture';

describe('CPU preprocessing reference against torch', () => {
  const fx = loadPreprocessFixture();

  it.each(fx.manifest.cases.map((c) => [c.name, c] as const))(
    '%s: identical uint8 frames and pixel values',
    (_name, c) => {
      const [sh, sw] = c.source;
      const [th, tw] = c.target;
      const inputs = rgbFramesToRgba(fx.u8(`${c.name}.input`), c.frames, sh, sw);
      const expected = rgbFramesToRgba(fx.u8(`${c.name}.resized`), c.frames, th, tw);
      const resized = inputs.map((f) => resizeFrameReference(f, sw, sh, th, tw));
      for (let f = 0; f < c.frames; f++) {
        const diff = resized[f]!.findIndex((v, i) => v !== expected[f]![i]);
        expect(diff, `frame ${f}: first mismatch at byte ${diff}`).toBe(-1);
      }
      if (sh !== th || sw !== tw) {
        const f32 = interpolateReference(inputs[0]!, sw, sh, th, tw).data;
        const want = fx.f32(`${c.name}.frame0_f32`);
        const bad = f32.findIndex((v, i) => v !== want[i]);
        expect(bad, `frame 0 before rounding: first mismatch at ${bad}: ${f32[bad]} vs ${want[bad]}`).toBe(-1);
      }
      const pv = pixelValuesReference(resized, th, tw);
      const want = fx.f32(`${c.name}.pixel_values`);
      expect(pv.length).toBe(want.length);
      const bad = pv.findIndex((v, i) => v !== want[i]);
      expect(bad, `first pixel_values mismatch at ${bad}`).toBe(-1);
    },
  );
});
