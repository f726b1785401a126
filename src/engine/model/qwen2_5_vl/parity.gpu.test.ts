// End-to-end parity of the engine with Hugging Face transformers 4.51.1 (tools/reference goldens) on the tiny
// checkpoint, unquantized and f32 KV, from the reference decoder's RGB frames to the last token: GPU
// preprocessing, vision features, first-token logits, the greedy continuation, and the final-layer attention to the
// video for every generated token.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../../test-utils/gpu';
import { loadGolden } from '../../../test-utils/goldens';
import { checkpointSource, relError, rgbToRgba } from '../../../test-utils/parity';
import { readTensorF32, type GpuTensor } from '../../gpu/tensor';
import { createPreprocessor } from '../../kernels/preprocess/preprocessor';
import { openCheckpoint } from '../../weights/checkpoint';
import { Qwen25VL } from './model';
import type { GenerationRequest } from './generate';
import type { AttentionTap } from '../../../protocol/engine';

interface GenerationMeta {
  video_grid_thw: [number, number, number];
  second_per_grid_ts: number;
  generation: {
    tokens: number[];
    max_new_tokens: number;
    config: { repetition_penalty: number; eos_token_id: number[] };
  };
}

describe.each(['demo-prompt', 'odd-nframes', 'windows', 'synthetic-fps'])(
  'Qwen2.5-VL tiny vs transformers 4.51.1: %s',
  (name) => {
    it('matches vision features, logits, greedy tokens and attention taps', async () => {
      const ctx = await testGpu();
      const golden = loadGolden(name);
      const meta = golden.meta<GenerationMeta>();
      const { model } = await Qwen25VL.load(ctx, await openCheckpoint(checkpointSource('video-r2-tiny')), {
        quantize: false,
      });
      try {
        const [t, h, w] = meta.video_grid_thw;
        // From the reference decoder's RGB frames: GPU resize + normalise + patchify, then the vision tower.
        const rgb = golden.u8('inputs.safetensors', 'frames_sampled_rgb');
        const [n, fh, fw] = rgb.shape as [number, number, number, number];
        const pre = createPreprocessor(ctx, {
          targetHeight: h * 14,
          targetWidth: w * 14,
          frames: n,
          processor: model.spec.preprocessor,
        });
        for (let i = 0; i < n; i++)
          await pre.pushFrame(rgbToRgba(rgb.data.subarray(i * fh * fw * 3, (i + 1) * fh * fw * 3)), fw, fh);
        const liveSlots = ctx.uniforms.liveSlots;
        const features = await model.encodeVideo({ t, h, w }, pre.chunks);
        const wantFeatures = golden.f32('vision.safetensors', 'output');
        expect(relError(await readTensorF32(ctx, features), wantFeatures.data)).toBeLessThan(1e-4);

        const ids = golden.i32('inputs.safetensors', 'input_ids').data;
        const v0 = ids.indexOf(model.spec.tokens.videoPad);
        const v1 = ids.lastIndexOf(model.spec.tokens.videoPad) + 1;
        const want = meta.generation.tokens;
        const taps: AttentionTap[] = [];
        let prefillTotal = 0;
        const out = await model.generate(
          {
            ...greedyRequest(ids, { span: [v0, v1], grid: { t, h, w }, features }, meta),
            maxNewTokens: want.length,
            kvDtype: 'f32',
            tap: true,
            captureFirstLogits: true,
          },
          {
            isCancelled: () => false,
            onStep: (s) => taps.push(s.tap!),
            onPrefill: (_, total) => (prefillTotal = total),
          },
        );
        // Progress counts the same prompt tokens as the prompt length (the last goes through the decode pass).
        expect(prefillTotal, 'prefill progress total vs prompt length').toBe(ids.length);
        if (name === 'demo-prompt') await expectTappedLayer(model, ids, v0, v1, { t, h, w }, meta, features, taps);
        features.buffer.destroy();
        pre.destroy();
        // Every kernel parameter block the vision pass and the generation took went back to the arena.
        expect(ctx.uniforms.liveSlots).toBe(liveSlots);
        // …and every per-run buffer went back to the pool (kept for the next run, not leaked).
        expect(ctx.pool.liveBuffers).toBe(0);
        expect(ctx.pool.freeBytes).toBeGreaterThan(0);

        expect(relError(out.firstLogits!, golden.f32('text.safetensors', 'logits_last').data)).toBeLessThan(1e-4);
        expect(out.tokens).toEqual(want);

        const G = golden.f32('generate.safetensors', 'per_pair_mass').shape[1]!;
        const H = golden.f32('generate.safetensors', 'per_head_mass').shape[1]!;
        const vas = golden.f32('generate.safetensors', 'vas_attn').data;
        const headMass = golden.f32('generate.safetensors', 'per_head_mass').data;
        const pairMass = golden.f32('generate.safetensors', 'per_pair_mass').data;
        const rowMean = golden.f32('generate.safetensors', 'video_row_mean');
        const V = rowMean.shape[1]!;
        taps.forEach((tap, s) => {
          const mean = tap.headMass.reduce((a, b) => a + b, 0) / H;
          // VAS-attn is a fraction in [0, 1]: within 1e-4 absolute.
          expect(Math.abs(mean - vas[s]!)).toBeLessThan(1e-4);
          expect(relError(tap.headMass, headMass.subarray(s * H, (s + 1) * H))).toBeLessThan(1e-4);
          expect(relError(tap.pairMass, pairMass.subarray(s * G, (s + 1) * G))).toBeLessThan(1e-4);
          expect(relError(tap.videoRow, rowMean.data.subarray(s * V, (s + 1) * V))).toBeLessThan(1e-4);
          // Segments partition the context: they sum to 1, and the video segment is VAS-attn.
          const segSum = tap.segmentMass.reduce((a, b) => a + b, 0);
          expect(Math.abs(segSum - 1), `token ${s}: segment masses sum to ${segSum}`).toBeLessThan(1e-5);
          expect(Math.abs(tap.segmentMass[2]! - vas[s]!), `token ${s}: video segment vs VAS-attn`).toBeLessThan(1e-4);
          expect(tap.segmentMass[4]! > 0 || s === 0, `token ${s}: no mass on generated tokens`).toBe(true);
        });
        expect(ctx.errors).toEqual([]);
      } finally {
        model.destroy();
      }
    });
  },
);

/**
 * A middle layer tapped instead of the final one: the same tokens, taps that partition the context like the final
 * layer's (segments sum to 1, video segment = mean head mass = Σ pairs = Σ row) and that differ from them.
 */
async function expectTappedLayer(
  model: Qwen25VL,
  ids: Int32Array,
  v0: number,
  v1: number,
  grid: { t: number; h: number; w: number },
  meta: GenerationMeta,
  features: GpuTensor,
  finalTaps: AttentionTap[],
): Promise<void> {
  const steps = 3;
  const taps: AttentionTap[] = [];
  const out = await model.generate(
    {
      ...greedyRequest(ids, { span: [v0, v1], grid, features }, meta),
      maxNewTokens: steps,
      kvDtype: 'f32',
      tap: true,
      tapLayer: 1,
    },
    { isCancelled: () => false, onStep: (s) => taps.push(s.tap!) },
  );
  expect(out.tokens, 'tapping another layer changes no token').toEqual(meta.generation.tokens.slice(0, steps));
  taps.forEach((tap, s) => {
    const sum = (a: Float32Array) => a.reduce((x, y) => x + y, 0);
    const meanHead = sum(tap.headMass) / tap.headMass.length;
    expect(Math.abs(sum(tap.segmentMass) - 1), `layer 1, token ${s}: segments sum`).toBeLessThan(1e-5);
    expect(
      Math.abs(tap.segmentMass[2]! - meanHead),
      `layer 1, token ${s}: video segment vs mean head mass`,
    ).toBeLessThan(1e-6);
    expect(Math.abs(sum(tap.pairMass) - meanHead), `layer 1, token ${s}: pairs vs mean head mass`).toBeLessThan(1e-6);
    expect(Math.abs(sum(tap.videoRow) - meanHead), `layer 1, token ${s}: row vs mean head mass`).toBeLessThan(1e-5);
    expect(
      relError(tap.headMass, finalTaps[s]!.headMass),
      `layer 1, token ${s}: same head masses as the final layer`,
    ).toBeGreaterThan(1e-3);
  });
}

/** The golden prompt with its video, decoded greedily with the reference's repetition penalty and stop ids. */
function greedyRequest(
  ids: Int32Array,
  video: Omit<NonNullable<GenerationRequest['video']>, 'secondPerGridT'>,
  meta: GenerationMeta,
): Pick<GenerationRequest, 'ids' | 'video' | 'sampler'> {
  return {
    ids: Int32Array.from(ids),
    video: { ...video, secondPerGridT: meta.second_per_grid_ts },
    sampler: {
      mode: 'greedy',
      repetitionPenalty: meta.generation.config.repetition_penalty,
      temperature: 1,
      topK: 0,
      topP: 1,
      seed: 0,
      stopIds: meta.generation.config.eos_token_id,
    },
  };
}
