// The processor's rescale + normalise as a 256-entry table: a uint8 sample has only 256 values per channel, so
// the host computes them with exactly HF's float rounding (uint8 · rescale_factor in f64 → f32, then (x − mean) / std
// in f32) and the GPU looks them up. That makes the GPU's pixel values bit-identical to HF's, where an f32 division
// in WGSL (2.5 ulp allowed) would not be.
import { fround } from './exact-f32';

/** The preprocessor_config.json values the preprocessing needs (a PreprocessorSpec satisfies this). */
export interface VideoProcessorValues {
  readonly imageMean: readonly number[];
  readonly imageStd: readonly number[];
  readonly rescaleFactor: number;
  readonly patchSize: number;
  readonly temporalPatchSize: number;
  readonly mergeSize: number;
}

/** [256 × 4] f32: entry v holds the normalised R, G, B for uint8 value v (the 4th lane is 0, for vec4 alignment). */
export function normalizeLut(p: VideoProcessorValues): Float32Array {
  if (p.imageMean.length !== 3 || p.imageStd.length !== 3) {
    throw new Error(
      `normalizeLut: image_mean/image_std need 3 entries, got ${p.imageMean.length}/${p.imageStd.length}`,
    );
  }
  const lut = new Float32Array(256 * 4);
  const mean = p.imageMean.map(fround);
  const std = p.imageStd.map(fround);
  for (let v = 0; v < 256; v++) {
    const rescaled = fround(v * p.rescaleFactor);
    for (let c = 0; c < 3; c++) lut[v * 4 + c] = fround(fround(rescaled - mean[c]!) / std[c]!);
  }
  return lut;
}
