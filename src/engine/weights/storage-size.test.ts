import { describe, expect, it } from 'vitest';
import config7b from '../spec/fixtures/qwen2_5_vl_7b/config.json';
import { parseModelSpec } from '../spec/parse-config';
import { tinyConfig } from '../../test-utils/test-configs';
import { q4ByteSize } from './q4-scheme';
import { weightStorageBytes } from './storage-size';

describe('weightStorageBytes (memory plan inputs)', () => {
  const spec7b = parseModelSpec({ config: config7b as Record<string, unknown> });

  it('gives the docs/model.md §6.2 7B sizes: ≈5.64 GB with q4 text matmuls (g32, f16 scales) and a bf16 vision tower', () => {
    const w = weightStorageBytes(spec7b);
    // Text matmuls: 7 615 283 200 weights at 4.5 bits; vision 676 550 144 bf16; text norms/biases 333 312 bf16.
    expect(w.q4).toBe(4_283_596_800);
    expect(w.vision).toBe(1_353_100_288);
    expect(w.dense).toBe(1_353_100_288 + 666_624);
    expect(w.total).toBe(5_637_363_712);
    expect(w.total / 1e9).toBeCloseTo(5.64, 2);
    const lm = w.tensors.find((t) => t.name === 'lm_head.weight')!;
    expect(lm).toMatchObject({ format: 'q4', bytes: 306_561_024, q4: { qweight: 272_498_688, scales: 34_062_336 } });
    expect(w.largest).toEqual({ name: 'model.embed_tokens.weight', bytes: 272_498_688 });
  });

  it('gives 16 584 333 312 B (15.45 GiB) unquantized in bf16, and counts F32 sources at 4 bytes', () => {
    expect(weightStorageBytes(spec7b, { quantize: false }).total).toBe(16_584_333_312);
    const f32Norms = weightStorageBytes(spec7b, {
      sourceDtype: (n) => (n.includes('norm') || n.includes('ln_q') ? 'F32' : 'BF16'),
    });
    const norms = (28 * 2 + 1) * 3584 + (32 * 2 + 1) * 1280;
    expect(f32Norms.total - weightStorageBytes(spec7b).total).toBe(norms * 2);
  });

  it('q4 sizes pad the scales buffer to 4 bytes and reject inputs that are not group multiples', () => {
    expect(q4ByteSize(3, 32)).toEqual({ qweight: 48, scales: 8, total: 56 });
    expect(() => q4ByteSize(4, 48, 'model.x')).toThrow(
      /model\.x: input dimension 48 is not a multiple of the q4 group size 32/,
    );
    const tiny = weightStorageBytes(parseModelSpec({ config: tinyConfig() }));
    expect(tiny.tensors.find((t) => t.name === 'model.layers.0.mlp.down_proj.weight')).toMatchObject({
      format: 'q4',
      shape: [64, 96],
      bytes: 64 * 48 + 64 * 3 * 2,
    });
  });
});
