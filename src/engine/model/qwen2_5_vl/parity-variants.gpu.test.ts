// The checkpoint variants against their transformers 4.51.1 goldens:
// - q4 (ARCHITECTURE.md §4 on q/k/v/o, gate/up/down, embed_tokens and lm_head): the tiny checkpoint loaded with
//   `quantize: true` vs demo-prompt-q4 and synthetic-fps-q4 (the reference quantize-dequantizes the same tensors);
// - tied embeddings in a sharded checkpoint (tools/reference/fixtures/checkpoints/tied-sharded) vs
//   odd-nframes-tied (no lm_head.weight: the output projection reads embed_tokens);
// - the transformers ≥ 4.52 naming layout (checkpoints/new-naming, the tied tensors renamed) loading to the
//   same GPU bytes as tied-sharded, and both to the main checkpoint's bytes except the output projection.
// - q8 (docs/model.md §6.3, same tensors as q4) vs synthetic-fps-q8, and its distance to the f32 reference vs q4's.
// Each generation checks vision features, the first token's logits, the whole greedy continuation (32 tokens) and
// the attention taps of every generated token.
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseMeta, VariantMeta } from '../../../test-utils/golden-meta';
import { loadGolden, type GoldenSet } from '../../../test-utils/goldens';
import { testGpu } from '../../../test-utils/gpu';
import { checkpointSource, relError } from '../../../test-utils/parity';
import type { GpuContext } from '../../gpu/device';
import { readBuffer, readTensorF32, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import type { AttentionTap } from '../../../protocol/engine';
import { openCheckpoint } from '../../weights/checkpoint';
import { loadModelWeights, type Matrix } from './load-weights';
import { Qwen25VL } from './model';
import type { GenerationOutcome } from './generate';

const TOLERANCE = 1e-4;

interface CaseRun {
  featuresError: number;
  out: GenerationOutcome;
  taps: AttentionTap[];
}

/** Vision features from the case's pixel values, then `steps` greedy tokens with taps and the first logits. */
async function runCase(
  ctx: GpuContext,
  model: Qwen25VL,
  inputs: GoldenSet,
  variant: VariantMeta,
  steps: number,
): Promise<CaseRun> {
  const meta = inputs.meta<CaseMeta>();
  const [t, h, w] = meta.video_grid_thw;
  const px = inputs.f32('inputs.safetensors', 'pixel_values_videos');
  const pixels = uploadTensor(ctx, 'golden.pixel_values', 'f32', px.shape, px.data);
  let features: GpuTensor | null = null;
  try {
    features = await model.encodeVideo({ t, h, w }, [
      { tensor: pixels, firstRow: 0, firstTemporal: 0, temporalCount: t },
    ]);
    const featuresError = relError(await readTensorF32(ctx, features), inputs.f32('vision.safetensors', 'output').data);
    const ids = inputs.i32('inputs.safetensors', 'input_ids').data;
    const cfg = variant.generation.config;
    const taps: AttentionTap[] = [];
    const out = await model.generate(
      {
        ids: Int32Array.from(ids),
        video: {
          span: variant.generation.video_span,
          grid: { t, h, w },
          secondPerGridT: meta.second_per_grid_ts,
          features,
        },
        sampler: {
          mode: 'greedy',
          repetitionPenalty: cfg.repetition_penalty,
          temperature: 1,
          topK: 0,
          topP: 1,
          seed: 0,
          stopIds: cfg.eos_token_id,
        },
        maxNewTokens: steps,
        kvDtype: 'f32',
        tap: true,
        captureFirstLogits: true,
      },
      { isCancelled: () => false, onStep: (s) => taps.push(s.tap!) },
    );
    return { featuresError, out, taps };
  } finally {
    features?.buffer.destroy();
    pixels.buffer.destroy();
  }
}

/** Per generated token: per-head mass, VAS-attn, per-pair mass and the head-mean video row (docs/attention.md). */
function expectTaps(taps: readonly AttentionTap[], variant: GoldenSet): void {
  const headMass = variant.f32('generate.safetensors', 'per_head_mass');
  const pairMass = variant.f32('generate.safetensors', 'per_pair_mass');
  const rowMean = variant.f32('generate.safetensors', 'video_row_mean');
  const vas = variant.f32('generate.safetensors', 'vas_attn').data;
  const [H, G, V] = [headMass.shape[1]!, pairMass.shape[1]!, rowMean.shape[1]!];
  taps.forEach((tap, s) => {
    expect(Math.abs(tap.headMass.reduce((a, b) => a + b, 0) / H - vas[s]!)).toBeLessThan(TOLERANCE);
    expect(relError(tap.headMass, headMass.data.subarray(s * H, (s + 1) * H))).toBeLessThan(TOLERANCE);
    expect(relError(tap.pairMass, pairMass.data.subarray(s * G, (s + 1) * G))).toBeLessThan(TOLERANCE);
    expect(relError(tap.videoRow, rowMean.data.subarray(s * V, (s + 1) * V))).toBeLessThan(TOLERANCE);
  });
}

describe('q4 model (quantize: true) vs the q4 goldens', () => {
  let loaded: Promise<Qwen25VL> | null = null;
  const q4Model = async (ctx: GpuContext) =>
    (loaded ??= openCheckpoint(checkpointSource('video-r2-tiny')).then(
      async (c) => (await Qwen25VL.load(ctx, c, { quantize: true })).model,
    ));
  afterAll(async () => (await loaded)?.destroy());

  it.each(['demo-prompt-q4', 'synthetic-fps-q4'])(
    '%s: first logits within 1e-4, identical greedy tokens, taps within 1e-4',
    async (name) => {
      const ctx = await testGpu();
      const variant = loadGolden(name);
      const vmeta = variant.meta<VariantMeta>();
      const steps = vmeta.generation.tokens.length;
      const inputs = loadGolden(vmeta.inputs_from);
      const model = await q4Model(ctx);
      expect(model.quantized, 'the q4 model is quantized').toBe(true);
      const t0 = performance.now();
      const { featuresError, out, taps } = await runCase(ctx, model, inputs, vmeta, steps);
      console.log(
        `[swiftshader] ${name}: prefill ${(out.prefillMs / 1000).toFixed(1)} s, ${steps} tokens ${(out.decodeMs / 1000).toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      // The vision tower stays 16-bit in q4 mode.
      expect(featuresError).toBeLessThan(TOLERANCE);
      const logits = variant.f32('text.safetensors', 'logits_last').data;
      expect(relError(out.firstLogits!, logits)).toBeLessThan(TOLERANCE);
      // …and the quantization really happened: the unquantized logits are far off.
      expect(relError(out.firstLogits!, inputs.f32('text.safetensors', 'logits_last').data)).toBeGreaterThan(
        100 * TOLERANCE,
      );
      expect(out.tokens).toEqual(vmeta.generation.tokens);
      expectTaps(taps, variant);
      expect(ctx.errors).toEqual([]);
    },
  );
});

describe('q8 model (quantFormat: q8) vs the q8 golden, and closer to the reference than q4', () => {
  // One case and 8 of its 32 tokens keep CI time down (each decode step reads the 151936-row lm_head on the CPU);
  // tools/reference checks both cases in full and records the figures in <case>-q8/meta.json.
  const STEPS = 8;
  it(`synthetic-fps-q8: first logits within 1e-4, the first ${STEPS} greedy tokens and their taps`, async () => {
    const ctx = await testGpu();
    const variant = loadGolden('synthetic-fps-q8');
    const vmeta = variant.meta<VariantMeta>();
    const inputs = loadGolden(vmeta.inputs_from);
    const ckpt = await openCheckpoint(checkpointSource('video-r2-tiny'));
    const { model } = await Qwen25VL.load(ctx, ckpt, { quantize: true, quantFormat: 'q8' });
    try {
      const { featuresError, out, taps } = await runCase(ctx, model, inputs, vmeta, STEPS);
      expect(featuresError).toBeLessThan(TOLERANCE);
      expect(relError(out.firstLogits!, variant.f32('text.safetensors', 'logits_last').data)).toBeLessThan(TOLERANCE);
      const reference = inputs.f32('text.safetensors', 'logits_last').data;
      const q8Error = relError(out.firstLogits!, reference);
      const q4Error = relError(loadGolden('synthetic-fps-q4').f32('text.safetensors', 'logits_last').data, reference);
      console.log(
        `[q8] last-prompt logits vs the f32 reference: q8 ${q8Error.toPrecision(3)}, q4 ${q4Error.toPrecision(3)}`,
      );
      // Quantized (not 16-bit by mistake), and at least 5× closer to the reference than q4 (measured: ≈ 14×).
      expect(q8Error, 'q8 logits equal the unquantized reference: was the model quantized?').toBeGreaterThan(1e-3);
      expect(q8Error, `q8 error ${q8Error} is not 5× below q4's ${q4Error}`).toBeLessThan(q4Error / 5);
      expect(out.tokens).toEqual(vmeta.generation.tokens.slice(0, STEPS));
      expectTaps(taps, variant);
      expect(ctx.errors).toEqual([]);
    } finally {
      model.destroy();
    }
  });
});

describe('tied embeddings, sharded checkpoint vs odd-nframes-tied', () => {
  it('vision features, the first logits (top 8 recorded), greedy tokens (penalty flips at steps 3 and 17), taps', async () => {
    const ctx = await testGpu();
    const variant = loadGolden('odd-nframes-tied');
    const vmeta = variant.meta<VariantMeta>();
    const ckpt = await openCheckpoint(checkpointSource('tied-sharded'));
    expect(ckpt.spec.text.tieWordEmbeddings, 'the tied-sharded checkpoint ties its embeddings').toBe(true);
    expect(ckpt.files.length).toBeGreaterThan(1);
    const { model } = await Qwen25VL.load(ctx, ckpt, { quantize: false });
    try {
      const steps = vmeta.generation.tokens.length;
      const { featuresError, out, taps } = await runCase(ctx, model, loadGolden(vmeta.inputs_from), vmeta, steps);
      expect(featuresError).toBeLessThan(TOLERANCE);
      // This golden records only the top-8 raw logits of each step; a wrong output projection (e.g. a zero or
      // untied lm_head) moves them by the whole logit scale.
      const first = vmeta.generation.steps[0]!;
      expect(
        relError(
          first.top_ids.map((id) => out.firstLogits![id]!),
          first.top_raw,
        ),
      ).toBeLessThan(TOLERANCE);
      expect(out.tokens).toEqual(vmeta.generation.tokens);
      expectTaps(taps, variant);
      expect(ctx.errors).toEqual([]);
    } finally {
      model.destroy();
    }
  });
});

/** Every buffer of a weight, in a fixed order. */
function buffersOf(w: Matrix | GpuTensor): GPUBuffer[] {
  if (!('kind' in w)) return [w.buffer];
  return w.kind === 'w16' ? w.chunks.map((c) => c.data) : w.chunks.flatMap((c) => [c.qweight, c.scales]);
}

/** Reads every buffer of the weight; the result joins them (sizes + contents) for a cheap exact comparison. */
async function bytesOf(ctx: GpuContext, w: Matrix | GpuTensor): Promise<Buffer> {
  const parts = await Promise.all(buffersOf(w).map(async (b) => Buffer.from(await readBuffer(ctx, b))));
  return Buffer.concat([Buffer.from(Uint32Array.from(parts, (p) => p.length).buffer), ...parts]);
}

describe('the ≥ 4.52 naming layout', () => {
  it.each([false, true])(
    'new-naming, tied-sharded and the main checkpoint load to the same GPU bytes (quantize: %s)',
    async (quantize) => {
      const ctx = await testGpu();
      const load = async (name: string) =>
        loadModelWeights(ctx, await openCheckpoint(checkpointSource(name)), { quantize });
      const [renamed, tied, main] = [await load('new-naming'), await load('tied-sharded'), await load('video-r2-tiny')];
      try {
        expect(renamed.text.lmHead).toBe(renamed.text.embed);
        expect(tied.text.lmHead).toBe(tied.text.embed);
        expect(main.text.lmHead).not.toBe(main.text.embed);
        const labels = [...tied.made.keys()];
        expect([...renamed.made.keys()]).toEqual(labels);
        expect([...main.made.keys()].filter((l) => l !== 'lm_head')).toEqual(labels);
        expect(labels.length).toBeGreaterThan(40);
        for (const label of labels) {
          const want = await bytesOf(ctx, tied.made.get(label)!);
          // Buffer.equals, not toEqual: a deep diff of 10 MB arrays takes minutes.
          expect(
            (await bytesOf(ctx, renamed.made.get(label)!)).equals(want),
            `${label}: new-naming vs tied-sharded`,
          ).toBe(true);
          expect((await bytesOf(ctx, main.made.get(label)!)).equals(want), `${label}: main vs tied-sharded`).toBe(true);
        }
        expect(ctx.errors).toEqual([]);
      } finally {
        for (const w of [renamed, tied, main]) w.destroy();
      }
    },
  );
});
