// One Qwen2.5-VL-7B decoder layer at the real dimensions (3584 hidden, 28 query / 4 KV heads of 128 — 7 query
// heads per KV head —, 18944 MLP, M-RoPE [16,24,24]) against transformers 4.51.1 (slice-7b-decoder and -q4).
// Weights come from the hash PRNG through the model's own layer loader (fusion order as a checkpoint load) onto
// a device with WebGPU's default 128 MiB binding limit, so gate|up (271 MB bf16) and down_proj (136 MB) run as
// row chunks. The 11 golden tokens (positions up to 4022, as after a long video) go through the TextModel:
// bf16 (the parity mode) as one prefill (matmul, tiled causal attention), q4 (the 7B app's form) as 11 decode
// steps (matvec, split-K decode attention over the growing KV cache). Splitting the paths by format keeps the
// file cheap on SwiftShader, where a prefill of 11 rows costs as much as 64 (matmul tiles) — ~40 s here — while
// the q4 matmul at 7B shapes is covered by kernels/linear-7b. The layer input is the golden's hidden_in, served
// as the embedding table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SliceDecoderMeta } from '../../../test-utils/golden-meta';
import { sliceSpec } from '../../../test-utils/golden-meta';
import { loadGolden, REPO_ROOT, type GoldenSet } from '../../../test-utils/goldens';
import { testGpu } from '../../../test-utils/gpu';
import { hashBf16 } from '../../../test-utils/hash-weights';
import { HashWeightProvider } from '../../../test-utils/hash-provider';
import { GpuHashProvider } from './hash-weights-gpu';
import { difference, relError } from '../../../test-utils/parity';
import type { GpuContext } from '../../gpu/device';
import { encodeDispatches, type Dispatch } from '../../gpu/dispatch';
import { readTensorF32, uploadTensor, type GpuTensor } from '../../gpu/tensor';
import { createW16Weight, writeW16Rows, type W16Weight } from '../../kernels/weight-chunks';
import { parseModelSpec, type TextSpec } from '../../spec';
import { loadTextLayer, Owner, type TextLayerWeights } from './load-weights';
import { TextModel } from './text-model';

const TOLERANCE = 1e-4;

const golden = loadGolden('slice-7b-decoder');
const meta = golden.meta<SliceDecoderMeta>();
const goldenQ4 = loadGolden('slice-7b-decoder-q4');
const text: TextSpec = parseModelSpec({
  config: readFileSync(join(REPO_ROOT, 'src/engine/spec/fixtures/qwen2_5_vl_7b/config.json'), 'utf8'),
}).text;
const H = text.hiddenSize;
const L = meta.position_ids[0]!.length;
const own = new Owner();
afterAll(() => own.destroy());

function submit(ctx: GpuContext, ops: readonly Dispatch[], label: string): void {
  const enc = ctx.device.createCommandEncoder({ label });
  encodeDispatches(enc, ops, label);
  ctx.device.queue.submit([enc.finish()]);
}

interface LayerRun {
  /** All L rows: hidden + self_attn(input_layernorm(hidden)). */
  afterAttention: Float32Array;
  /** All L rows: the layer output. */
  output: Float32Array;
}

const SPLIT_AFTER = 'layer0.post_attention_layernorm';

/**
 * Submits `ops` in two parts, reading `residual` after the attention half (the post-attention norm adds the
 * attention branch in place) and after the MLP half; rows go to `run` from row `at`.
 */
async function runSplit(
  ctx: GpuContext,
  ops: readonly Dispatch[],
  residual: GpuTensor,
  rows: number,
  at: number,
  run: LayerRun,
): Promise<void> {
  const split = ops.findIndex((d) => d.label === SPLIT_AFTER) + 1;
  expect(split).toBeGreaterThan(0);
  submit(ctx, ops.slice(0, split), 'slice.attention');
  run.afterAttention.set((await readTensorF32(ctx, residual)).subarray(0, rows * H), at * H);
  submit(ctx, ops.slice(split), 'slice.mlp');
  run.output.set((await readTensorF32(ctx, residual)).subarray(0, rows * H), at * H);
}

/** Runs the layer over the golden tokens: a prefill of `P` rows (none when 0), then one decode step per remaining row. */
async function runLayer(ctx: GpuContext, layer: TextLayerWeights, hiddenIn: W16Weight, P: number): Promise<LayerRun> {
  const norm = uploadTensor(ctx, 'slice.final_norm', 'f32', [H], new Float32Array(H).fill(1));
  const model = new TextModel(
    ctx,
    text,
    { embed: hiddenIn, layers: [layer], norm, lmHead: hiddenIn },
    { maxContext: L, kvDtype: 'f32', maxPrefillRows: Math.max(P, 1) },
  );
  const idSource = uploadTensor(ctx, 'slice.decode_id', 'u32', [2], new Uint32Array(2));
  const run: LayerRun = { afterAttention: new Float32Array(L * H), output: new Float32Array(L * H) };
  try {
    const p = meta.position_ids;
    model.writePositions(0, [p[0]!, p[1]!, p[2]!]);
    const t0 = performance.now();
    if (P > 0) {
      ctx.device.queue.writeBuffer(
        model.ids.buffer,
        0,
        Uint32Array.from({ length: P }, (_, i) => i),
      );
      const prefill = model.buildPrefill(P, null);
      prefill.set(P, 0);
      await runSplit(ctx, prefill.dispatches, model.prefillResidual, P, 0, run);
      prefill.destroy();
    }
    const t1 = performance.now();
    if (P < L) {
      const decode = model.buildDecode(idSource, null);
      for (let pos = P; pos < L; pos++) {
        ctx.device.queue.writeBuffer(idSource.buffer, 0, new Uint32Array([pos]));
        decode.set(pos);
        await runSplit(ctx, decode.dispatches, model.decodeResidual, 1, pos, run);
      }
      decode.destroy();
    }
    console.log(
      `[swiftshader] prefill of ${P} rows ${((t1 - t0) / 1000).toFixed(1)} s, ${L - P} decode steps ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );
    return run;
  } finally {
    model.destroy();
    norm.buffer.destroy();
    idSource.buffer.destroy();
  }
}

/** The residual after attention and after the whole layer, and each branch on its own scale. */
/** The golden's after-attention and output tensors. */
function goldenRun(g: GoldenSet): LayerRun {
  return {
    afterAttention: g.f32('outputs.safetensors', 'after_attention').data,
    output: g.f32('outputs.safetensors', 'output').data,
  };
}

/** Loads a layer and logs how long that took (the hash generator, the quantizer and the upload on SwiftShader). */
async function timedLoad(what: string, load: () => Promise<TextLayerWeights>): Promise<TextLayerWeights> {
  const t = performance.now();
  const layer = await load();
  console.log(`[swiftshader] ${what} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return layer;
}

function expectMatches(got: LayerRun, want: LayerRun, hidden: Float32Array): void {
  const errors = {
    afterAttention: relError(got.afterAttention, want.afterAttention),
    output: relError(got.output, want.output),
    // A branch that is small next to the residual could hide in the sums above: compare each on its own scale.
    attentionBranch: relError(difference(got.afterAttention, hidden), difference(want.afterAttention, hidden)),
    mlpBranch: relError(difference(got.output, got.afterAttention), difference(want.output, want.afterAttention)),
  };
  console.log(
    `[slice-7b-decoder] relative errors: ${Object.entries(errors)
      .map(([k, v]) => `${k} ${v.toExponential(2)}`)
      .join(', ')}`,
  );
  for (const [what, v] of Object.entries(errors)) expect(v, `${what} relative error`).toBeLessThan(TOLERANCE);
}

describe('7B-shaped decoder layer vs transformers 4.51.1 (128 MiB bindings)', () => {
  const specs = meta.weights.map((w) => sliceSpec(meta.seed, w));
  const loadLayer = (ctx: GpuContext, quantize: boolean) =>
    loadTextLayer(new HashWeightProvider(ctx, own, specs, { quantize }), 0);
  // The benchmark's synthetic 7B: weights generated on the GPU and quantized by the loader's own quantizer.
  const loadLayerOnGpu = async (ctx: GpuContext) => {
    const provider = new GpuHashProvider(ctx, own, specs, { quantize: true });
    try {
      return await loadTextLayer(provider, 0);
    } finally {
      provider.destroy();
    }
  };
  const hiddenBits = hashBf16(sliceSpec(meta.seed, meta.hidden_in));
  const hidden = new Float32Array(new Uint32Array(Array.from(hiddenBits, (b) => b << 16)).buffer);
  const hiddenTable = (ctx: GpuContext) => {
    const t = own.matrix(createW16Weight(ctx, 'slice.hidden_in', 'bf16', L, H));
    writeW16Rows(ctx, t, 0, hiddenBits);
    return t;
  };

  it('checks the golden against our 7B spec', () => {
    expect(meta.hidden_in.shape).toEqual([L, H]);
    expect(meta.config).toMatchObject({
      hidden_size: H,
      intermediate_size: text.intermediateSize,
      num_attention_heads: text.numHeads,
      num_key_value_heads: text.numKvHeads,
      rope_theta: text.ropeTheta,
      rms_norm_eps: text.rmsNormEps,
    });
    expect((meta.config.rope_scaling as { mrope_section: number[] }).mrope_section).toEqual(text.mropeSection);
    expect([text.headDim, text.gqaGroup]).toEqual([128, 7]);
    expect(goldenQ4.meta<SliceDecoderMeta>().q4_tensors).toHaveLength(7);
  });

  it('bf16 weights: after attention and the layer output within 1e-4', async () => {
    const ctx = await testGpu({ bufferLimits: 'default' });
    expect(ctx.limits.maxStorageBufferBindingSize).toBe(128 * 2 ** 20);
    const layer = await timedLoad('bf16 hash weights generated and uploaded', () => loadLayer(ctx, false));
    expect(layer.gateUp.kind === 'w16' && layer.gateUp.chunks.length).toBe(3);
    expect(layer.down.kind === 'w16' && layer.down.chunks.length).toBe(2);
    const got = await runLayer(ctx, layer, hiddenTable(ctx), L);
    expectMatches(got, goldenRun(golden), hidden);
    expect(ctx.errors).toEqual([]);
  });

  it('q4 weights (the §4 quantize-dequantize golden): after attention and the layer output within 1e-4', async () => {
    const ctx = await testGpu({ bufferLimits: 'default' });
    const layer = await timedLoad('q4 hash weights generated, quantized and uploaded', () => loadLayer(ctx, true));
    expect([layer.qkv, layer.o, layer.gateUp, layer.down].map((m) => m.kind)).toEqual(['q4', 'q4', 'q4', 'q4']);
    const got = await runLayer(ctx, layer, hiddenTable(ctx), 0);
    expectMatches(got, goldenRun(goldenQ4), hidden);
    // The q4 golden differs from the bf16 one by far more than the tolerance, so the q4 path was really taken.
    expect(relError(got.output, golden.f32('outputs.safetensors', 'output').data)).toBeGreaterThan(10 * TOLERANCE);
    expect(ctx.errors).toEqual([]);
  });
  // The benchmark's synthetic 7B builds its layers this way. ~2 min more on SwiftShader (the integer hash kernel
  // and the GPU quantizer over 233 M weights), so it runs on request (VR2_SLOW_TESTS=1); CI checks the same
  // provider bit for bit against the host one on small shapes (hash-weights-gpu.gpu.test.ts).
  it.runIf(process.env.VR2_SLOW_TESTS === '1')(
    'q4 weights generated and quantized on the GPU: the layer output within 1e-4',
    async () => {
      const ctx = await testGpu({ bufferLimits: 'default' });
      const layer = await timedLoad('q4 hash weights generated and quantized on the GPU', () => loadLayerOnGpu(ctx));
      const got = await runLayer(ctx, layer, hiddenTable(ctx), 0);
      expectMatches(got, goldenRun(goldenQ4), hidden);
      expect(ctx.errors).toEqual([]);
    },
  );
});
