// Our engine on the bench checkpoint: load (q4 quantized on the GPU while streaming), then text generation through
// `Qwen25VL.generate` with a text-only prompt, and the vision tower through `encodeVideo` on random pixel values.
// Every measurement is preceded by a warm-up of the same shape so pipeline compilation is not timed.
import type { GpuContext } from '../../src/engine/gpu/device';
import { uploadTensor } from '../../src/engine/gpu/tensor';
import type { KvDtype } from '../../src/engine/kernels/kv-cache';
import { Qwen25VL } from '../../src/engine/model/qwen2_5_vl/model';
import { openCheckpoint, UrlSource } from '../../src/engine/weights';

export interface TextRun {
  promptTokens: number;
  /** Tokens the prefill pass processed (the engine feeds the last prompt token through the decode pass). */
  prefillTokens: number;
  prefillMs: number;
  decodeSteps: number;
  /** Wall time of decode steps 1 … n−1 (step 0 is the last prompt token, right after the prefill). */
  decodeMs: number;
  tokens: number[];
  firstLogits: Float32Array;
}

export interface VisionRun {
  grid: { t: number; h: number; w: number };
  ms: number;
}

export async function loadOurs(
  ctx: GpuContext,
  baseUrl: string,
  log: (s: string) => void,
): Promise<{ model: Qwen25VL; loadMs: number }> {
  const t0 = performance.now();
  const ckpt = await openCheckpoint(new UrlSource(baseUrl));
  let lastLog = 0;
  const { model } = await Qwen25VL.load(ctx, ckpt, {
    quantize: true,
    onProgress: (_phase, done, total) => {
      const now = performance.now();
      if (now - lastLog > 5000) {
        lastLog = now;
        log(`  loading ${((100 * done) / total).toFixed(0)} %`);
      }
    },
  });
  await ctx.device.queue.onSubmittedWorkDone();
  return { model, loadMs: performance.now() - t0 };
}

export async function runOursText(
  model: Qwen25VL,
  ids: Int32Array,
  decodeSteps: number,
  kvDtype: KvDtype,
): Promise<TextRun> {
  const stepMs: number[] = [];
  const out = await model.generate(
    {
      ids,
      video: null,
      // Greedy without stop ids: every run decodes exactly `decodeSteps` tokens.
      sampler: { mode: 'greedy', repetitionPenalty: 1, temperature: 1, topK: 0, topP: 1, seed: 0, stopIds: [] },
      maxNewTokens: decodeSteps,
      kvDtype,
      tap: false,
      captureFirstLogits: true,
    },
    { isCancelled: () => false, onStep: (s) => stepMs.push(s.ms) },
  );
  if (out.tokens.length !== decodeSteps)
    throw new Error(`ours: generated ${out.tokens.length} tokens, expected ${decodeSteps} (${out.reason})`);
  return {
    promptTokens: ids.length,
    prefillTokens: ids.length - 1,
    prefillMs: out.prefillMs,
    decodeSteps,
    decodeMs: stepMs.slice(1).reduce((a, b) => a + b, 0),
    tokens: out.tokens,
    firstLogits: out.firstLogits!,
  };
}

/** Random pixel values in the normalized range (about ±2), as the preprocessor would produce. */
export function randomPixels(rows: number, cols: number, seed: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

export async function runOursVision(
  ctx: GpuContext,
  model: Qwen25VL,
  grid: { t: number; h: number; w: number },
): Promise<VisionRun> {
  const patchDim = model.spec.vision.patchDim;
  const rows = grid.t * grid.h * grid.w;
  const pixels = uploadTensor(ctx, 'bench.pixel_values', 'f32', [rows, patchDim], randomPixels(rows, patchDim, 7));
  try {
    const chunk = [{ tensor: pixels, firstRow: 0, firstTemporal: 0, temporalCount: grid.t }];
    await ctx.device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    const features = await model.encodeVideo(grid, chunk);
    await ctx.device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    features.buffer.destroy();
    return { grid, ms };
  } finally {
    pixels.buffer.destroy();
  }
}
