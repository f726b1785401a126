// Tap tables for PyTorch's antialiased bicubic interpolation (F.interpolate(mode="bicubic", antialias=True,
// align_corners=False) on a float32 CPU tensor, which is what torchvision's resize runs for uint8 frames).
// The arithmetic mirrors ATen's `_compute_indices_min_size_weights_aa` for scalar_t = float operation by
// operation, including which intermediate values are float and which double, and the FMA contraction GCC
// applies to the Keys cubic on x86-64 AVX2/AVX-512 builds (checked bit for bit against torch 2.7 through
// tools/reference/preprocess_goldens.py). The table is tiny and computed once per (input, output) size.
import { fmaF32, fround } from './exact-f32';

export interface ResizeTaps {
  readonly inSize: number;
  readonly outSize: number;
  /** Weights per output index in `weights` (PyTorch's max_interp_size = ceil(support)·2 + 1). */
  readonly stride: number;
  /** First input index per output index. */
  readonly start: Uint32Array;
  /** Number of taps per output index (≤ stride). */
  readonly count: Uint32Array;
  /** f32 weights, `stride` per output index, normalised to sum to ~1, zero-padded. */
  readonly weights: Float32Array;
}

/** Keys cubic convolution kernel with a = −0.5 (ATen's `aa_filter` for bicubic), FMA-contracted as compiled. */
export function keysCubicF32(xIn: number): number {
  const x = Math.abs(fround(xIn));
  // ((a + 2)·x − (a + 3))·x·x + 1  →  fma(fma(1.5, x, −2.5)·x, x, 1)
  if (x < 1) return fmaF32(fround(fmaF32(1.5, x, -2.5) * x), x, 1);
  // ((a·x − 5a)·x + 8a)·x − 4a  →  fma(fma(fma(−0.5, x, 2.5), x, −4), x, 2)
  if (x < 2) return fmaF32(fmaF32(fmaF32(-0.5, x, 2.5), x, -4), x, 2);
  return 0;
}

export function resizeTaps(inSize: number, outSize: number): ResizeTaps {
  for (const [name, v] of [
    ['input size', inSize],
    ['output size', outSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v >= 2 ** 24)
      throw new Error(`resizeTaps: ${name} ${v} must be an integer in [1, 2^24)`);
  }
  const scale = fround(inSize / outSize); // static_cast<float>(in) / out
  const support = scale >= 1 ? fround(2 * scale) : 2; // (interp_size · 0.5) · scale, interp_size = 4
  const invScale = scale >= 1 ? fround(1 / scale) : 1; // 1.0 / scale in double, stored as float
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Uint32Array(outSize);
  const count = new Uint32Array(outSize);
  const weights = new Float32Array(outSize * stride);
  for (let i = 0; i < outSize; i++) {
    const center = fround(scale * (i + 0.5)); // double product, stored as float
    const xmin = Math.max(Math.trunc(fround(center - support) + 0.5), 0);
    const xmax = Math.min(Math.trunc(fround(center + support) + 0.5), inSize);
    const size = Math.min(Math.max(xmax - xmin, 0), stride);
    let total = 0;
    for (let j = 0; j < size; j++) {
      // (j + xmin − center) in float, + 0.5 and · invscale in double, then the filter's float argument.
      const w = keysCubicF32(fround((fround(j + xmin - center) + 0.5) * invScale));
      weights[i * stride + j] = w;
      total = fround(total + w);
    }
    if (total !== 0) {
      for (let j = 0; j < size; j++) weights[i * stride + j] = fround(weights[i * stride + j]! / total);
    }
    start[i] = xmin;
    count[i] = size;
  }
  return { inSize, outSize, stride, start, count, weights };
}
