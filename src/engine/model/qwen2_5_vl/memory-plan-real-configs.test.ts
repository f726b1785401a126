// The memory plan of the real Qwen2.5-VL-7B and -3B configs, with every expected byte count derived here by
// hand from the shapes in config.json (not by calling the sizing code), so a wrong formula in the plan fails.
import { describe, expect, it } from 'vitest';
import config3b from '../../spec/fixtures/qwen2_5_vl_3b/config.json';
import config7b from '../../spec/fixtures/qwen2_5_vl_7b/config.json';
import { parseModelSpec } from '../../spec/parse-config';
import { memoryPlan, type Plan, type PlanInput } from './memory-plan';

const spec7b = parseModelSpec({ config: config7b as Record<string, unknown> });
const spec3b = parseModelSpec({ config: config3b as Record<string, unknown> });

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** A desktop GPU's limits (bindings never the constraint). */
const BIG = { maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB };
/** WebGPU's default limits (what the app gets without requesting more). */
const DEFAULT = { maxBufferSize: 256 * MiB, maxStorageBufferBindingSize: 128 * MiB };

/** q4 of W[r, c]: r·c/2 bytes of nibbles + one f16 scale per 32 inputs (r·c/16 bytes). */
const q4 = (r: number, c: number): number => (r * c) / 2 + (r * c) / 16;
/** A bf16 tensor of n elements. */
const bf16 = (n: number): number => 2 * n;

/** Vision tower in bf16, identical in both models except the merger's output width. */
function visionBytes(outHidden: number): number {
  const block =
    bf16(1280) +
    bf16(1280) + // norm1, norm2
    bf16(3 * 1280 * 1280) +
    bf16(3 * 1280) + // qkv
    bf16(1280 * 1280) +
    bf16(1280) + // proj
    2 * (bf16(3420 * 1280) + bf16(3420)) + // gate, up
    bf16(1280 * 3420) +
    bf16(1280); // down
  return (
    bf16(1280 * 3 * 2 * 14 * 14) + // patch_embed (Conv3d 3→1280, kernel 2×14×14)
    32 * block +
    bf16(1280) + // merger ln_q
    bf16(5120 * 5120) +
    bf16(5120) + // merger mlp.0 (4 merged patches × 1280 = 5120)
    bf16(outHidden * 5120) +
    bf16(outHidden) // merger mlp.2
  );
}

interface TextDims {
  H: number;
  I: number;
  L: number;
  kv: number;
  V: number;
  tied: boolean;
}
const D7: TextDims = { H: 3584, I: 18944, L: 28, kv: 4 * 128, V: 152064, tied: false };
const D3: TextDims = { H: 2048, I: 11008, L: 36, kv: 2 * 128, V: 151936, tied: true };

/** Language model: linears, embed_tokens and (untied) lm_head in q4 or bf16; norms and biases bf16. */
function textBytes({ H, I, L, kv, V, tied }: TextDims, quantize: boolean): number {
  const w = quantize ? q4 : (r: number, c: number) => bf16(r * c);
  const linears = w(H, H) + 2 * w(kv, H) + w(H, H) + 2 * w(I, H) + w(H, I); // q, k, v, o, gate, up, down
  const small = bf16(2 * H) + bf16(H + 2 * kv); // two norms; q/k/v biases
  const embeddings = (tied ? 1 : 2) * w(V, H);
  return L * (linears + small) + embeddings + bf16(H); // + final norm
}

const line = (p: Plan, prefix: string): number => {
  const l = p.lines.find((x) => x.label.startsWith(prefix));
  if (!l) throw new Error(`plan has no line starting "${prefix}": ${p.lines.map((x) => x.label).join(' | ')}`);
  return l.bytes;
};

const DEMO = { frames: 32, height: 336, width: 588 };
const plan = (spec: PlanInput['spec'], over: Partial<PlanInput> = {}): Plan =>
  memoryPlan({ spec, quantize: true, kvCache: 'f16', video: DEMO, maxNewTokens: 2048, limits: BIG, ...over });

describe('memory plan of the real configs: weights', () => {
  it.each([
    // 16-bit everywhere is exactly the bf16 checkpoint: the catalog's 16,584,333,312 B download.
    {
      model: '7B',
      spec: spec7b,
      dims: D7,
      mergerOut: 3584,
      bytes: { vision: 1_353_100_288, q4: 4_284_263_424, bf16: 15_231_233_024, download: 16_584_333_312 },
    },
    // One embedding (tied, no lm_head). The bf16 download of Qwen2.5-VL-3B-Instruct: 7,509,245,952 B (≈7.5 GB).
    {
      model: '3B',
      spec: spec3b,
      dims: D3,
      mergerOut: 2048,
      bytes: { vision: 1_337_368_576, q4: 1_736_187_904, bf16: 6_171_877_376, download: 7_509_245_952 },
    },
  ])('$model: $bytes.vision B of vision + $bytes.q4 B of q4 text ($bytes.bf16 B in 16-bit)', (m) => {
    expect(m.spec.text.tieWordEmbeddings, 'tied embeddings').toBe(m.dims.tied);
    expect(visionBytes(m.mergerOut)).toBe(m.bytes.vision);
    expect(textBytes(m.dims, true)).toBe(m.bytes.q4);
    expect(textBytes(m.dims, false)).toBe(m.bytes.bf16);
    const p = plan(m.spec);
    expect(line(p, 'Vision encoder weights')).toBe(visionBytes(m.mergerOut));
    expect(line(p, 'Language model weights (4-bit)')).toBe(textBytes(m.dims, true));
    expect(line(plan(m.spec, { quantize: false }), 'Language model weights (16-bit)')).toBe(textBytes(m.dims, false));
    expect(visionBytes(m.mergerOut) + textBytes(m.dims, false), 'the bf16 download').toBe(m.bytes.download);
  });
});

describe('memory plan of the real configs: the demo setting (32 frames at 588×336, 2,048 new tokens)', () => {
  // grid (32/2, 336/14, 588/14) = (16, 24, 42): 16,128 patches, 16,128 / 4 = 4,032 merged video tokens.
  const patches = 16 * 24 * 42;
  const tokens = patches / 4;
  const context = tokens + 320 + 2048; // video + prompt text allowance + new tokens = 6,400
  // Vision chunks: 8 whole frame pairs of 24·42 = 1,008 patches (⌊8192 / 1008⌋ = 8; the 2 GiB binding allows 77).
  const visionRows = 8 * 1008;
  const visionAct = visionRows * (7 * 1280 + 2 * 3420) * 4 + (visionRows / 4) * 2 * 5120 * 4;
  // Prefill: 4,032 + 320 = 4,352 prompt rows in ⌈4352 / 1024⌉ = 5 equal chunks of ⌈4352 / 5⌉ = 871 rows.
  const textAct = (d: TextDims): number => 871 * (3 * d.H + d.H + 2 * d.kv + 2 * d.I) * 4 + d.V * 4 * 2; // + logits twice

  for (const [name, spec, d] of [
    ['7B', spec7b, D7],
    ['3B', spec3b, D3],
  ] as const) {
    it(`${name}: tokens, KV cache, inputs, activations and the total`, () => {
      const p = plan(spec);
      expect(p.videoTokens).toBe(4032);
      expect(p.contextTokens).toBe(6400);
      // f16 KV cache: K and V, every layer, kv heads × head dim 128, 2 bytes each, for every context token.
      const kv = 2 * d.L * d.kv * 2 * context;
      expect(line(p, 'KV cache')).toBe(kv);
      expect(line(plan(spec, { kvCache: 'f32' }), 'KV cache')).toBe(2 * kv);
      // f32 pixel values [16128, 3·2·14·14] and f32 vision features [4032, hidden].
      expect(line(p, 'Video input')).toBe(patches * 1176 * 4 + tokens * d.H * 4);
      expect(line(p, 'Vision activations')).toBe(visionAct);
      expect(line(p, 'Text activations')).toBe(textAct(d));
      const total =
        visionBytes(d.H) + textBytes(d, true) + kv + patches * 1176 * 4 + tokens * d.H * 4 + visionAct + textAct(d);
      expect(p.totalBytes).toBe(total);
      expect(p.fits, p.advice ?? '').toBe(true);
    });
  }

  it('written out: 7B needs 6,916,986,880 B (6.44 GiB) in q4 and 17,863,956,480 B in 16-bit; 3B 4,118,846,464 B and 8,554,535,936 B', () => {
    // KV: 7B 2·28·512·2·6400 = 367,001,600 B; 3B 2·36·256·2·6400 = 235,929,600 B.
    expect(line(plan(spec7b), 'KV cache')).toBe(367_001_600);
    expect(line(plan(spec3b), 'KV cache')).toBe(235_929_600);
    expect(plan(spec7b).totalBytes).toBe(6_916_986_880);
    expect(plan(spec7b, { quantize: false }).totalBytes).toBe(17_863_956_480);
    expect(plan(spec3b).totalBytes).toBe(4_118_846_464);
    expect(plan(spec3b, { quantize: false }).totalBytes).toBe(8_554_535_936);
  });

  it('a 4 GiB GPU holds the 3B in q4 at the demo setting and not the 7B', () => {
    expect(plan(spec3b).totalBytes, '3B q4 demo plan should fit 4 GiB').toBeLessThan(4 * GiB);
    expect(plan(spec7b).totalBytes, '7B q4 demo plan should not fit 4 GiB').toBeGreaterThan(4 * GiB);
  });
});

describe('memory plan of the real configs: the evaluation setting (128 frames at 504×280, 1,024 new tokens) at default limits', () => {
  // grid (64, 20, 36): 46,080 patches → 11,520 tokens; context 11,520 + 320 + 1,024 = 12,864.
  const patches = 64 * 20 * 36;
  const tokens = 11520;
  // 128 MiB binding: a frame pair of 720 patches needs 720 · 2·3420·4 = 19,699,200 B of gate|up, so
  // ⌊134,217,728 / 19,699,200⌋ = 6 pairs (under ⌊8192 / 720⌋ = 11) → 4,320-row chunks.
  const visionAct = 4320 * (7 * 1280 + 2 * 3420) * 4 + (4320 / 4) * 2 * 5120 * 4;
  // Prefill of 11,840 rows. 7B: ⌊128 MiB / (2·18944·4)⌋ = 885 rows max → 14 chunks of ⌈11840/14⌉ = 846.
  // 3B: ⌊128 MiB / (2·11008·4)⌋ = 1,524, capped at 1,024 → 12 chunks of ⌈11840/12⌉ = 987.
  const cases = [
    ['7B', spec7b, D7, 846],
    ['3B', spec3b, D3, 987],
  ] as const;
  for (const [name, spec, d, rows] of cases) {
    it(`${name}: KV cache, activations and chunk sizes that fit 128 MiB bindings`, () => {
      const p = plan(spec, { video: { frames: 128, height: 280, width: 504 }, maxNewTokens: 1024, limits: DEFAULT });
      expect(p.videoTokens).toBe(tokens);
      expect(p.contextTokens).toBe(12864);
      expect(line(p, 'KV cache')).toBe(2 * d.L * d.kv * 2 * 12864);
      expect(line(p, 'Video input')).toBe(patches * 1176 * 4 + tokens * d.H * 4);
      expect(line(p, 'Vision activations (4,320-row chunks)')).toBe(visionAct);
      expect(line(p, `Text activations (${rows}-row`)).toBe(rows * (4 * d.H + 2 * d.kv + 2 * d.I) * 4 + d.V * 8);
      // Largest single buffer: the f32 pixel values, 46,080 · 1176 · 4 = 216,760,320 B > 128 MiB.
      expect(p.fits, 'pixel values of 128 frames pass a 128 MiB binding').toBe(false);
      expect(p.advice).toMatch(/pixel values/);
    });
  }
});

describe('memory plan of the real configs: a per-layer KV cache past the binding limit', () => {
  it('a 64K-token f32 context fits the 3B (half the KV heads) in 128 MiB bindings and not the 7B', () => {
    // Demo video, 61,440 new tokens: context 4,032 + 320 + 61,440 = 65,792.
    // One layer's f32 K cache: 7B 65,792 · 512 · 4 = 134,742,016 B > 134,217,728 B; 3B 65,792 · 256 · 4 = 67,371,008 B.
    const over = { kvCache: 'f32', maxNewTokens: 61440, limits: DEFAULT } as const;
    const p7 = plan(spec7b, over);
    const p3 = plan(spec3b, over);
    expect(p7.contextTokens).toBe(65792);
    expect(p7.fits, '7B: one layer’s f32 K cache of 134,742,016 B must not fit 128 MiB').toBe(false);
    expect(p7.advice).toMatch(/K cache/);
    expect(p3.fits, `3B should fit: ${p3.advice}`).toBe(true);
    // Weights are split by rows across bindings; the largest is the embedding's q4 nibbles, 151,936 · 2048 / 2 B.
    expect(p3.largestBufferBytes).toBe((151936 * 2048) / 2);
    expect(p3.largestBufferLabel).toBe('model.embed_tokens.weight');
  });
});
