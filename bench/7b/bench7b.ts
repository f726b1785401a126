// The synthetic Qwen2.5-VL-7B benchmark, one run on one adapter (Node + Dawn or a browser page):
//   references (copy bandwidth, tiled f32 matmul FLOP/s) → build the model on the GPU → GPU preprocessing of the
//   frames → vision tower → prefill + decode without the attention tap → the same with the tap → references.
// Every stage is preceded by an untimed warm-up of the same kernels. Raw times and the byte/FLOP accounting go in
// the result; report.ts turns them into shares of what the adapter measured (DESIGN.md §7).
import type { GpuContext } from '../../src/engine/gpu/device';
import { createPreprocessor, type Preprocessor } from '../../src/engine/kernels/preprocess/preprocessor';
import { generate, type GenerationRequest } from '../../src/engine/model/qwen2_5_vl/generate';
import type { ModelWeights } from '../../src/engine/model/qwen2_5_vl/load-weights';
import { memoryPlan, videoShape } from '../../src/engine/model/qwen2_5_vl/memory-plan';
import { VisionModel } from '../../src/engine/model/qwen2_5_vl/vision-model';
import type { ModelSpec } from '../../src/engine/spec';
import { oursDecodeBytes, textPrefillFlops, visionFlops } from '../engine/accounting';
import { benchPromptIds } from '../engine/prompt';
import { measureCopy, measureMatmul, type CopyResult, type MatmulResult } from '../engine/references';
import type { AllocationTracker } from './memory-tracker';
import { buildSynthetic7b, spec7b } from './model';
import type { Bench7bOptions } from './options';

export interface AdapterReport {
  description: string;
  fallback: boolean;
  features: string[];
  limits: Record<string, number>;
}

export interface TextRun {
  promptTokens: number;
  prefillTokens: number;
  prefillMs: number;
  decodeSteps: number;
  /** Wall time of decode steps 1 … n−1 (step 0 feeds the last prompt token). */
  decodeMs: number;
}

export interface Bench7bResult {
  adapter: AdapterReport;
  options: Bench7bOptions;
  preset: string;
  spec: { layers: number; visionDepth: number; hidden: number; vocab: number };
  references: { copy: CopyResult; matmul: MatmulResult }[];
  build: { ms: number; weightBytes: number };
  memory: {
    planBytes: number;
    planLines: { label: string; bytes: number }[];
    peakAllocatedBytes: number;
    weightsAndModelBytes: number;
  };
  preprocess: { frames: number; sourceWidth: number; sourceHeight: number; ms: number };
  vision: { grid: { t: number; h: number; w: number }; patches: number; ms: number; flops: number };
  text: { tapOff: TextRun; tapOn: TextRun; videoTokens: number; prefillFlops: number; decodeBytesPerToken: number };
  totalMs: number;
}

type Log = (line: string) => void;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function references(ctx: GpuContext, o: Bench7bOptions, log: Log, when: string) {
  const copy = await measureCopy(ctx, o.copyMiB, o.copyReps);
  const matmul = await measureMatmul(ctx, { m: o.matmul, n: o.matmul, k: o.matmul }, o.matmulReps);
  log(
    `references (${when}): copy ${(copy.bytesPerSecond / 1e9).toFixed(2)} GB/s, matmul f32 ${o.matmul}³ ${(matmul.flopPerSecond / 1e9).toFixed(1)} GFLOP/s`,
  );
  return { copy, matmul };
}

/** Synthetic RGBA8 frame (a gradient; the content does not change the work). */
function sourceFrame(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      rgba[i] = (x * 255) / width;
      rgba[i + 1] = (y * 255) / height;
      rgba[i + 2] = ((x + y) * 7) & 255;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

async function preprocess(
  ctx: GpuContext,
  spec: ModelSpec,
  o: Bench7bOptions,
  frames: number,
  rgba: Uint8Array,
): Promise<{ pre: Preprocessor; ms: number }> {
  const pre = createPreprocessor(ctx, {
    targetHeight: o.height,
    targetWidth: o.width,
    frames,
    processor: spec.preprocessor,
    label: 'bench.video',
  });
  await ctx.device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  const pushed: Promise<unknown>[] = [];
  for (let f = 0; f < frames; f++) pushed.push(pre.pushFrame(rgba, o.sourceWidth, o.sourceHeight));
  await Promise.all(pushed);
  await ctx.device.queue.onSubmittedWorkDone();
  return { pre, ms: performance.now() - t0 };
}

/** ids: half the text, <|vision_start|>, the video pads, <|vision_end|>, the other half. */
function promptIds(
  spec: ModelSpec,
  textTokens: number,
  videoTokens: number,
  seed: number,
): { ids: Int32Array; span: [number, number] } {
  // Ordinary ids only: every special id sits in the last 512 rows of the vocabulary.
  const text = benchPromptIds(textTokens, seed).map((id) => id % (spec.text.vocabSize - 512));
  const head = Math.floor(textTokens / 2);
  const ids = new Int32Array(textTokens + videoTokens + 2);
  ids.set(text.subarray(0, head), 0);
  ids[head] = spec.tokens.visionStart;
  ids.fill(spec.tokens.videoPad, head + 1, head + 1 + videoTokens);
  ids[head + 1 + videoTokens] = spec.tokens.visionEnd;
  ids.set(text.subarray(head), head + 2 + videoTokens);
  return { ids, span: [head + 1, head + 1 + videoTokens] };
}

async function runText(
  ctx: GpuContext,
  spec: ModelSpec,
  weights: ModelWeights,
  req: GenerationRequest,
): Promise<TextRun> {
  const stepMs: number[] = [];
  const out = await generate(ctx, spec, weights.text, req, {
    isCancelled: () => false,
    onStep: (s) => stepMs.push(s.ms),
  });
  if (out.tokens.length !== req.maxNewTokens)
    throw new Error(`generated ${out.tokens.length} tokens, expected ${req.maxNewTokens} (${out.reason})`);
  return {
    promptTokens: req.ids.length,
    prefillTokens: req.ids.length - 1,
    prefillMs: out.prefillMs,
    decodeSteps: req.maxNewTokens,
    decodeMs: stepMs.slice(1).reduce((a, b) => a + b, 0),
  };
}

export async function runBench7b(
  ctx: GpuContext,
  adapter: AdapterReport,
  o: Bench7bOptions,
  preset: string,
  memory: AllocationTracker,
  log: Log,
): Promise<Bench7bResult> {
  const spec = spec7b(o.layers, o.visionDepth, o.vocab);
  log(`adapter: ${adapter.description}; preset ${preset}: ${JSON.stringify(o)}`);
  const refs = [await references(ctx, o, log, 'start')];
  memory.resetPeak();

  const plan = memoryPlan({
    spec,
    quantize: true,
    kvCache: 'f16',
    video: { frames: o.frames, height: o.height, width: o.width },
    maxNewTokens: o.decode,
    limits: ctx.limits,
  });
  log(
    `building ${o.layers} decoder layers and ${o.visionDepth} vision blocks at 7B widths on the GPU (memory plan ${(plan.totalBytes / 1e9).toFixed(2)} GB)`,
  );
  let t0 = performance.now();
  const weights = await buildSynthetic7b(ctx, spec, o.seed);
  const build = { ms: performance.now() - t0, weightBytes: weights.bytes };
  log(`built ${(weights.bytes / 1e9).toFixed(2)} GB of weights in ${secs(build.ms)}`);
  const vision = new VisionModel(ctx, spec, weights.vision);
  try {
    const rgba = sourceFrame(o.sourceWidth, o.sourceHeight);
    // Warm-up: one frame pair through the preprocessor and the tower compiles every pipeline of both.
    const warm = await preprocess(ctx, spec, o, 2, rgba);
    const warmShape = videoShape(spec, { frames: 2, height: o.height, width: o.width });
    (await vision.encode(warmShape, warm.pre.chunks)).buffer.destroy();
    warm.pre.destroy();

    const { pre, ms: preMs } = await preprocess(ctx, spec, o, o.frames, rgba);
    log(
      `preprocessing: ${o.frames} frames ${o.sourceWidth}×${o.sourceHeight} → ${o.width}×${o.height} in ${preMs.toFixed(0)} ms`,
    );
    const shape = videoShape(spec, { frames: o.frames, height: o.height, width: o.width });
    const grid = { t: shape.t, h: shape.h, w: shape.w };
    t0 = performance.now();
    const features = await vision.encode(grid, pre.chunks);
    await ctx.device.queue.onSubmittedWorkDone();
    const visionMs = performance.now() - t0;
    const vFlops = visionFlops(spec, grid).total;
    log(
      `vision: ${shape.rows} patches in ${secs(visionMs)} (${(vFlops / (visionMs / 1000) / 1e9).toFixed(1)} GFLOP/s)`,
    );

    const { ids, span } = promptIds(spec, o.textTokens, shape.tokens, o.seed);
    const base: Omit<GenerationRequest, 'tap' | 'ids' | 'video' | 'maxNewTokens'> = {
      sampler: { mode: 'greedy', repetitionPenalty: 1, temperature: 1, topK: 0, topP: 1, seed: 0, stopIds: [] },
      kvDtype: 'f16',
    };
    const video = { span, grid, secondPerGridT: 1, features };
    // Warm-up: a short prompt with a 4-token video span (grid 1×2×8) and the tap, 2 new tokens.
    const warmIds = promptIds(spec, 16, 4, o.seed + 1);
    await runText(ctx, spec, weights, {
      ...base,
      ids: warmIds.ids,
      video: { span: warmIds.span, grid: { t: 1, h: 2, w: 8 }, secondPerGridT: 1, features },
      maxNewTokens: 2,
      tap: true,
    });
    log(`text: ${ids.length}-token prompt (${shape.tokens} video tokens), ${o.decode} new tokens, tap off`);
    const tapOff = await runText(ctx, spec, weights, { ...base, ids, video, maxNewTokens: o.decode, tap: false });
    log(`  prefill ${secs(tapOff.prefillMs)}, decode ${(tapOff.decodeMs / (o.decode - 1)).toFixed(1)} ms/token`);
    log(`text: the same with the attention tap`);
    const tapOn = await runText(ctx, spec, weights, { ...base, ids, video, maxNewTokens: o.decode, tap: true });
    log(`  prefill ${secs(tapOn.prefillMs)}, decode ${(tapOn.decodeMs / (o.decode - 1)).toFixed(1)} ms/token`);
    const peak = memory.peak;
    features.buffer.destroy();
    pre.destroy();

    // Decode steps 1 … n−1 attend to L + 1 … L + n − 1 keys: the mean context.
    const meanContext = ids.length + o.decode / 2;
    const text = {
      tapOff,
      tapOn,
      videoTokens: shape.tokens,
      prefillFlops: textPrefillFlops(spec, ids.length - 1, 0, 0),
      decodeBytesPerToken: oursDecodeBytes(spec, meanContext, 2).total,
    };
    return {
      adapter,
      options: o,
      preset,
      spec: {
        layers: spec.text.numLayers,
        visionDepth: spec.vision.depth,
        hidden: spec.text.hiddenSize,
        vocab: spec.text.vocabSize,
      },
      references: refs,
      build,
      memory: {
        planBytes: plan.totalBytes,
        planLines: plan.lines,
        peakAllocatedBytes: peak,
        weightsAndModelBytes: weights.bytes,
      },
      preprocess: { frames: o.frames, sourceWidth: o.sourceWidth, sourceHeight: o.sourceHeight, ms: preMs },
      vision: { grid, patches: shape.rows, ms: visionMs, flops: vFlops },
      text,
      totalMs: 0,
    };
  } finally {
    vision.destroy();
    weights.destroy();
    await ctx.device.queue.onSubmittedWorkDone();
  }
}

/** Runs the benchmark and the closing references (after the model is freed, so the copy buffers fit). */
export async function runBench7bWithReferences(
  ctx: GpuContext,
  adapter: AdapterReport,
  o: Bench7bOptions,
  preset: string,
  memory: AllocationTracker,
  log: Log,
): Promise<Bench7bResult> {
  const t0 = performance.now();
  const r = await runBench7b(ctx, adapter, o, preset, memory, log);
  r.references.push(await references(ctx, o, log, 'end'));
  r.totalMs = performance.now() - t0;
  if (ctx.errors.length) throw new Error(`the GPU reported errors: ${ctx.errors.slice(0, 3).join(' / ')}`);
  return r;
}
