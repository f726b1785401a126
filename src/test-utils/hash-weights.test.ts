import { describe, expect, it } from 'vitest';
import { loadGolden } from './goldens';
import {
  bf16BitsToF32,
  f32ToBf16Bits,
  fnv1a32,
  hashBf16,
  hashBf16Range,
  hashU32,
  mix32,
  streamKey,
} from './hash-weights';

// Values computed by tools/reference/vr2ref/hash_prng.py (tests/test_hash_prng.py pins the same numbers).
describe('hash PRNG (bit-identical with numpy)', () => {
  it('FNV-1a and the mixer', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(mix32(1)).toBe(0x688990c0);
  });

  it('u32 stream near the top of the 2^32 counter', () => {
    const key = streamKey(7, 'model.layers.0.self_attn.q_proj.weight');
    const got = [0, 1, 2, 3, 4, 5].map((k) => hashU32(key, 4294967290 + k));
    expect(got).toEqual([2728236743, 3053423793, 1691325277, 3411504319, 3902354041, 2758441169]);
  });

  it('bf16 values with std and mean', () => {
    const q = hashBf16({ seed: 7, name: 'model.layers.0.self_attn.q_proj.weight', shape: [2, 3], std: 0.02 });
    expect([...q]).toEqual([48128, 48369, 47970, 48394, 15552, 15564]);
    const norm = hashBf16({ seed: 0xffffffff, name: 'norm', shape: [4], std: 0.1, mean: 1 });
    expect([...norm]).toEqual([16272, 16259, 16227, 16230]);
    expect([...bf16BitsToF32(hashBf16({ seed: 7, name: 'x', shape: [5], std: 1 }))]).toEqual([
      -0.81640625, 1.640625, 1.2109375, -1.0390625, 1.359375,
    ]);
  });

  it('ranges compose to the whole tensor', () => {
    const spec = { seed: 3, name: 'w', shape: [7, 11], std: 0.5 };
    const whole = hashBf16(spec);
    const parts = [...hashBf16Range(spec, 0, 30), ...hashBf16Range(spec, 30, 47)];
    expect(parts).toEqual([...whole]);
    expect(() => hashBf16Range(spec, 70, 8)).toThrow(/outside w/);
  });

  it('bf16 rounding is round-to-nearest-even', () => {
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie → even (down)
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie → even (up)
    expect(f32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBf16Bits(-2.5)).toBe(0xc020);
    // NaN becomes the quiet NaN 0x7fc0, as torch's bfloat16 conversion does (c10 round_to_nearest_even).
    expect(f32ToBf16Bits(NaN)).toBe(0x7fc0);
  });

  it('regenerates whole tensors of the tiny checkpoint (written by numpy) bit for bit', () => {
    const ckpt = loadGolden('video-r2-tiny');
    const seed = ckpt.manifest.seed!;
    // Rules of tools/reference/vr2ref/weights.py: gain / sqrt(fan_in) for matrices (1.5 for q/k/qkv, else 1),
    // norms 1 ± 0.1·√3 (std 0.1), biases std 0.1, embedding std 1.
    const cases = [
      { name: 'model.layers.0.self_attn.q_proj.weight', std: 1.5 / Math.sqrt(32), mean: 0 },
      { name: 'model.layers.2.mlp.down_proj.weight', std: 1 / Math.sqrt(64), mean: 0 },
      { name: 'model.layers.1.post_attention_layernorm.weight', std: 0.1, mean: 1 },
      { name: 'visual.blocks.3.attn.qkv.bias', std: 0.1, mean: 0 },
      { name: 'visual.patch_embed.proj.weight', std: 1 / Math.sqrt(1176), mean: 0 },
      { name: 'visual.blocks.0.attn.qkv.weight', std: 1.5 / Math.sqrt(32), mean: 0 },
      { name: 'model.embed_tokens.weight', std: 1, mean: 0 },
    ];
    for (const c of cases) {
      const t = ckpt.tensor('model.safetensors', c.name);
      expect(t.dtype).toBe('BF16');
      const want = hashBf16({ seed, name: c.name, shape: t.shape, std: c.std, mean: c.mean });
      expect(t.data.length).toBe(want.length);
      let mismatches = 0;
      for (let i = 0; i < want.length; i++) if (t.data[i] !== want[i]) mismatches++;
      expect(mismatches, c.name).toBe(0);
    }
  });

  it('reproduces the tiny lm_head: bf16(f32(0.7) * embed + noise), padding rows zero', () => {
    const ckpt = loadGolden('video-r2-tiny');
    const seed = ckpt.manifest.seed!;
    const lm = ckpt.tensor('model.safetensors', 'lm_head.weight');
    const rows = 2000; // a sample of rows keeps the test fast; the last rows cover the padding
    const cols = lm.shape[1]!;
    const embed = bf16BitsToF32(
      hashBf16Range({ seed, name: 'model.embed_tokens.weight', shape: lm.shape, std: 1 }, 0, rows * cols),
    );
    const noise = bf16BitsToF32(
      hashBf16Range({ seed, name: 'lm_head.weight', shape: lm.shape, std: 1.5 }, 0, rows * cols),
    );
    const a = Math.fround(0.7);
    for (let i = 0; i < rows * cols; i++) {
      expect(lm.data[i]).toBe(f32ToBf16Bits(Math.fround(Math.fround(a * embed[i]!) + noise[i]!)));
    }
    for (let i = 151665 * cols; i < lm.data.length; i++) expect(lm.data[i]).toBe(0);
  });
});
