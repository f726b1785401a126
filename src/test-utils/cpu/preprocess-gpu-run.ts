// Shared by the preprocessing GPU tests: run a Preprocessor over frames and read everything back.
import type { GpuContext } from '../../engine/gpu/device';
import { readBuffer } from '../../engine/gpu/tensor';
import { seededRandom } from '../random';
import { QWEN_VIDEO_PROCESSOR } from './preprocess';
import { createPreprocessor, type PreprocessorOptions } from '../../engine/kernels/preprocess/preprocessor';

export interface PreprocessRun {
  resized: Uint8Array[];
  pixelValues: Float32Array;
  shape: readonly [number, number];
  chunkRows: number[];
}

export async function runPreprocessor(
  ctx: GpuContext,
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  target: { height: number; width: number },
  extra: Partial<PreprocessorOptions> = {},
): Promise<PreprocessRun> {
  const pre = createPreprocessor(ctx, {
    targetHeight: target.height,
    targetWidth: target.width,
    frames: frames.length,
    processor: QWEN_VIDEO_PROCESSOR,
    label: 'test.preprocess',
    ...extra,
  });
  try {
    // Push without awaiting in between: several frames in flight must still land in order.
    const resized = (await Promise.all(frames.map((f) => pre.pushFrame(f, width, height)))).map((r) => r.rgba);
    const pixelValues = new Float32Array(pre.shape[0] * pre.shape[1]);
    for (const ch of pre.chunks) {
      pixelValues.set(new Float32Array(await readBuffer(ctx, ch.tensor.buffer)), ch.firstRow * pre.shape[1]);
    }
    return { resized, pixelValues, shape: pre.shape, chunkRows: pre.chunks.map((c) => c.tensor.shape[0]!) };
  } finally {
    pre.destroy();
  }
}

/** Seeded random RGBA frames with a few flat and saturated regions (clamping and exact-zero paths). */
export function randomFrames(seed: number, count: number, width: number, height: number): Uint8Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const f = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      const y = Math.floor(i / width);
      const x = i % width;
      const block = (x >> 3) + (y >> 3);
      for (let c = 0; c < 3; c++) {
        // Thirds of 8×8 blocks: noise, black/white, and a colour gradient.
        f[i * 4 + c] =
          block % 3 === 0
            ? Math.floor(rand() * 256)
            : block % 3 === 1
              ? block & 4
                ? 255
                : 0
              : (x * 7 + y * 3 + c * 50) & 255;
      }
      f[i * 4 + 3] = Math.floor(rand() * 256); // alpha must be ignored
    }
    return f;
  });
}

/** Index of the first difference (−1 if equal), with both values for the message. */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `index ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}
