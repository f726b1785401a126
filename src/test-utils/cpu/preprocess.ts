// Plain-TS reference of Video-R2's frame preprocessing, written the way the Python does it rather than the
// way the GPU does it: torchvision's resize (float32 frame, ATen's horizontal-then-vertical antialiased bicubic
// passes with a pass skipped when its size is unchanged, clamp, round half to even), then the HF processor's
// rescale (f64 product → f32), normalise ((x − mean) / std in f32) and its 9-D transpose into rows.
// It shares only the tap tables and fmaF32 with the engine; those two are pinned to torch by
// tools/reference/fixtures/preprocess (resize-weights.test.ts, preprocess-reference.test.ts).
import { fmaF32, fround } from '../../engine/kernels/preprocess/exact-f32';
import { roundHalfEven } from '../../lib/round-half-even';
import { resizeTaps, type ResizeTaps } from '../../engine/kernels/preprocess/resize-weights';

/** preprocessor_config.json values of Qwen2.5-VL (transformers 4.51 Qwen2VLImageProcessor). */
export const QWEN_VIDEO_PROCESSOR = {
  imageMean: [0.48145466, 0.4578275, 0.40821073] as const,
  imageStd: [0.26862954, 0.26130258, 0.27577711] as const,
  rescaleFactor: 1 / 255,
  patchSize: 14,
  temporalPatchSize: 2,
  mergeSize: 2,
};

export type ProcessorValues = typeof QWEN_VIDEO_PROCESSOR;

/** A channel-planar float32 image [3][h][w]. */
export interface PlanarF32 {
  width: number;
  height: number;
  data: Float32Array;
}

export function rgbaToPlanar(rgba: Uint8Array, width: number, height: number): PlanarF32 {
  if (rgba.length !== width * height * 4) throw new Error(`rgbaToPlanar: ${rgba.length} bytes for ${width}×${height}`);
  const n = width * height;
  const data = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[c * n + i] = rgba[i * 4 + c]!;
  return { width, height, data };
}

/** acc = x0·w0, then acc = fma(xj, wj, acc): ATen's float loop as the compiler emits it. */
function tapSum(taps: ResizeTaps, o: number, at: (k: number) => number): number {
  const start = taps.start[o]!;
  const base = o * taps.stride;
  let acc = fround(at(start) * taps.weights[base]!);
  for (let j = 1; j < taps.count[o]!; j++) acc = fmaF32(at(start + j), taps.weights[base + j]!, acc);
  return acc;
}

/** ATen's horizontal (last-dimension) antialiased bicubic pass. */
export function resizeWidthReference(img: PlanarF32, outWidth: number): PlanarF32 {
  return resizeAxis(img, 'width', outWidth);
}

/**
 * One separable pass along `axis`: every output sample is the tap sum over its line of input samples, which lie
 * `step` apart (1 along a row, the width down a column).
 */
function resizeAxis(img: PlanarF32, axis: 'width' | 'height', outSize: number): PlanarF32 {
  const { width, height } = img;
  const alongWidth = axis === 'width';
  const taps = resizeTaps(alongWidth ? width : height, outSize);
  const outW = alongWidth ? outSize : width;
  const outH = alongWidth ? height : outSize;
  const step = alongWidth ? 1 : width;
  const data = new Float32Array(3 * outH * outW);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const line = alongWidth ? (c * height + y) * width : c * height * width + x;
        data[(c * outH + y) * outW + x] = tapSum(taps, alongWidth ? x : y, (k) => img.data[line + k * step]!);
      }
    }
  }
  return { width: outW, height: outH, data };
}

/** The float32 result of F.interpolate inside torchvision's resize (before clamp and round). */
export function interpolateReference(
  rgba: Uint8Array,
  width: number,
  height: number,
  outHeight: number,
  outWidth: number,
): PlanarF32 {
  let img = rgbaToPlanar(rgba, width, height);
  if (width !== outWidth) img = resizeWidthReference(img, outWidth);
  if (height !== outHeight) img = resizeAxis(img, 'height', outHeight);
  return img;
}

/**
 * torchvision.transforms.functional.resize(frame, [outHeight, outWidth], BICUBIC, antialias=True) on a uint8
 * frame, returned as RGBA (alpha 255) so it compares directly with the GPU's display copy.
 */
export function resizeFrameReference(
  rgba: Uint8Array,
  width: number,
  height: number,
  outHeight: number,
  outWidth: number,
): Uint8Array {
  const out = new Uint8Array(outWidth * outHeight * 4);
  if (width === outWidth && height === outHeight) {
    out.set(rgba); // torchvision v1 returns the input untouched
    for (let i = 3; i < out.length; i += 4) out[i] = 255;
    return out;
  }
  const img = interpolateReference(rgba, width, height, outHeight, outWidth);
  const n = outWidth * outHeight;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = roundHalfEven(Math.min(Math.max(img.data[c * n + i]!, 0), 255));
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** HF rescale then normalise of one uint8 channel value. */
export function normalizeReference(value: number, channel: number, p: ProcessorValues = QWEN_VIDEO_PROCESSOR): number {
  const rescaled = fround(value * p.rescaleFactor);
  return fround(fround(rescaled - fround(p.imageMean[channel]!)) / fround(p.imageStd[channel]!));
}

/**
 * pixel_values_videos from resized RGBA frames: the processor's
 * reshape(T, tp, C, H/m, m, p, W/m, m, p).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8).reshape(T·H·W, C·tp·p·p),
 * with the last frame repeated when the count is not a multiple of tp.
 */
export function pixelValuesReference(
  frames: readonly Uint8Array[],
  height: number,
  width: number,
  p: ProcessorValues = QWEN_VIDEO_PROCESSOR,
): Float32Array {
  const { patchSize: ps, temporalPatchSize: tp, mergeSize: m } = p;
  const padded = [...frames];
  while (padded.length % tp !== 0) padded.push(frames[frames.length - 1]!);
  const t = padded.length / tp;
  const gh = height / ps;
  const gw = width / ps;
  const out = new Float32Array(t * gh * gw * 3 * tp * ps * ps);
  let o = 0;
  for (let ti = 0; ti < t; ti++)
    for (let bh = 0; bh < gh / m; bh++)
      for (let bw = 0; bw < gw / m; bw++)
        for (let mh = 0; mh < m; mh++)
          for (let mw = 0; mw < m; mw++)
            for (let c = 0; c < 3; c++)
              for (let tt = 0; tt < tp; tt++)
                for (let py = 0; py < ps; py++)
                  for (let px = 0; px < ps; px++) {
                    const y = (bh * m + mh) * ps + py;
                    const x = (bw * m + mw) * ps + px;
                    out[o++] = normalizeReference(padded[ti * tp + tt]![(y * width + x) * 4 + c]!, c, p);
                  }
  return out;
}
