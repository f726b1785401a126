import { describe, expect, it } from 'vitest';
import { loadGolden } from '../../test-utils/goldens';
import { testGpu } from '../../test-utils/gpu';
import { seededNormal, seededRandom } from '../../test-utils/random';
import { createTensor, uploadTensor, writeHost } from '../gpu/tensor';
import { f16BitsToF32, f32To16Bits, roundHalfEven, widen16, type Dtype16 } from '../../test-utils/cpu/linalg';
import { dequantQ8Ref, q8Code, quantizeQ8Ref } from '../../test-utils/cpu/q8';
import { WeightQuantizer, quantizeWeight } from './q4-quantize';
import { createQ8Weight, readQ8Weight } from './q8-weight';
import { destroyWeight } from './weight-chunks';

type SrcDtype = Dtype16 | 'f32';

/**
 * A [rows, cols] f32 matrix whose first groups are q8 edge cases and the rest seeded normals of varied magnitude.
 * Crafted values are exact in bf16, f16 and f32 unless noted.
 */
function craftedMatrix(rows: number, cols: number, seed: number): Float32Array {
  const w = new Float32Array(rows * cols);
  const normal = seededNormal(seed);
  const rand = seededRandom(seed + 1);
  for (let g = 0; g < (rows * cols) / 32; g++) {
    const scale = 10 ** (rand() * 6 - 4);
    for (let i = 0; i < 32; i++) w[g * 32 + i] = normal() * scale;
  }
  const groups: number[][] = [];
  const d = 2 ** -10;
  // Exact ties (k + 0.5)·d across the code range (both parities), with the extreme −128d (d > 0) and +128d
  // (d < 0), whose opposite +127.5d must tie to 128 and clamp to 127.
  for (const sign of [1, -1]) {
    const g = [-128 * d * sign, 127.5 * d * sign, 127 * d * sign, -127.5 * d * sign];
    for (let k = -7; k <= 6; k++) g.push((k * 9 + 0.5) * d * sign, (k * 9 + 1.5) * d * sign);
    groups.push(g.slice(0, 32));
  }
  groups.push([0.5, -0.5, ...Array<number>(30).fill(0.25)]); // equal magnitudes: the first (+) wins
  groups.push([-0.5, 0.5, ...Array<number>(30).fill(-0.25)]); // the first (−) wins
  groups.push(Array<number>(32).fill(0)); // all zero: d = −0, q = 0
  groups.push(Array<number>(32).fill(-0)); // all −0: d = +0
  // f16 subnormal scales: m/128 = 2.5·2^-24 (a subnormal tie → 2·2^-24), 3·2^-24, and m/128 = 2^-26 → d = 0.
  for (const m of [320 * 2 ** -24, -384 * 2 ** -24, 2 ** -19])
    groups.push([m, ...Array.from({ length: 31 }, (_, i) => (m * (i - 15)) / 16)]);
  // f32-only: m/128 on an f16 midpoint (ties down to 1, and up), arbitrary f32 extremes, f32 subnormals.
  groups.push([128 * (1 + 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * 8.53)]);
  groups.push([-128 * (1 + 3 * 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * 8.51)]);
  groups.push([
    Math.fround(Math.PI * 1000),
    ...Array.from({ length: 31 }, (_, i) => Math.fround(Math.E * (i - 15) * 100)),
  ]);
  groups.push(Array.from({ length: 32 }, (_, i) => (i - 16) * 1e-40));
  groups.forEach((g, i) => {
    if ((i + 1) * 32 <= w.length)
      w.set(
        g.map((v) => Math.fround(v)),
        i * 32,
      );
  });
  return w;
}

/** Source bits for the dtype, and the f32 values the GPU will see (16-bit sources are rounded first). */
function asSource(dtype: SrcDtype, w: Float32Array): { data: Float32Array | Uint16Array; values: Float32Array } {
  if (dtype === 'f32') return { data: w, values: w };
  const bits = Uint16Array.from(w, (v) => f32To16Bits(dtype, v));
  return { data: bits, values: widen16(dtype, bits) };
}

/** Elements exactly on a rounding midpoint of their group's scale (the test must have some). */
function countTies(values: Float32Array, scales: Uint16Array): number {
  let ties = 0;
  for (let i = 0; i < values.length; i++) {
    const d = f16BitsToF32(scales[i >> 5]!);
    if (d !== 0 && Math.abs(values[i]! / d) % 1 === 0.5) ties++;
  }
  return ties;
}

describe('q8 quantization on the GPU', () => {
  for (const dtype of ['bf16', 'f16', 'f32'] as const) {
    it(`is bit-identical to the TS rule for ${dtype} sources, edge cases included`, async () => {
      const ctx = await testGpu();
      const rows = 21;
      const cols = 96;
      const { data, values } = asSource(dtype, craftedMatrix(rows, cols, 11));
      const src = uploadTensor(ctx, `src.${dtype}`, dtype, [rows, cols], data);
      const dst = createQ8Weight(ctx, `q8.${dtype}`, rows, cols);
      await quantizeWeight(ctx, src, dst);
      const got = await readQ8Weight(ctx, dst);
      const ref = quantizeQ8Ref(values, rows, cols);
      expect(ref.bad, 'the crafted matrix must quantize cleanly').toBe(false);
      expect(countTies(values, ref.scales), 'exact rounding midpoints in the input').toBeGreaterThan(20);
      expect(
        ref.scales.some((s) => (s & 0x7c00) === 0 && (s & 0x3ff) !== 0),
        'a subnormal scale in the input',
      ).toBe(true);
      expect(Array.from(got.scales)).toEqual(Array.from(ref.scales));
      expect(Array.from(got.qweight)).toEqual(Array.from(ref.qweight));
      expect(ctx.errors).toEqual([]);
      destroyWeight(dst);
      src.buffer.destroy();
    });
  }

  it('reproduces the Python reference byte for byte (q8-format golden: hand rows, near-max and subnormal scales)', async () => {
    const ctx = await testGpu();
    const g = loadGolden('q8-format');
    const weight = g.f32('q8.safetensors', 'weight');
    const [rows, cols] = weight.shape as [number, number];
    const bits = Uint16Array.from(weight.data, (v) => f32To16Bits('bf16', v));
    expect(widen16('bf16', bits), 'the golden matrix is bf16-exact').toEqual(weight.data);
    const dst = createQ8Weight(ctx, 'q8.golden', rows, cols);
    await quantizeWeight(ctx, uploadTensor(ctx, 'q8.golden.src', 'bf16', [rows, cols], bits), dst);
    const got = await readQ8Weight(ctx, dst);
    expect(Array.from(got.qweight)).toEqual(Array.from(g.u32('q8.safetensors', 'qweight').data));
    expect(Array.from(got.scales)).toEqual(Array.from(g.u16('q8.safetensors', 'scales_f16').data));
    expect(dequantQ8Ref(got, cols, 0, rows)).toEqual(g.f32('q8.safetensors', 'dequantized').data);
    expect(ctx.errors).toEqual([]);
    destroyWeight(dst);
  });

  it('the reference follows the rule on its own terms: d = m/−128, half-even codes, clamp to 127', () => {
    const w = craftedMatrix(1, 64, 3);
    const ref = quantizeQ8Ref(w, 1, 64);
    const d = f16BitsToF32(ref.scales[0]!);
    expect(d).toBe(2 ** -10);
    expect(f16BitsToF32(ref.scales[1]!)).toBe(-(2 ** -10));
    for (let i = 0; i < 64; i++) {
      const di = f16BitsToF32(ref.scales[i >> 5]!);
      expect(q8Code(ref.qweight, i), `element ${i}`).toBe(Math.max(-128, Math.min(127, roundHalfEven(w[i]! / di))));
    }
    expect([q8Code(ref.qweight, 0), q8Code(ref.qweight, 1), q8Code(ref.qweight, 3)]).toEqual([-128, 127, -128]);
    expect([q8Code(ref.qweight, 32), q8Code(ref.qweight, 33)]).toEqual([-128, 127]);
  });

  it('streams row blocks into a chunked weight with an odd number of groups per row', async () => {
    const ctx = await testGpu();
    const rows = 140;
    const cols = 96; // 3 groups per row: scale words are shared across rows and across dispatches
    const { data, values } = asSource('bf16', craftedMatrix(rows, cols, 5));
    const dst = createQ8Weight(ctx, 'q8.chunked', rows, cols, { maxChunkBytes: 64 * cols });
    expect(dst.chunks.map((c) => c.rows)).toEqual([64, 64, 12]);
    const block = 37; // blocks straddle chunk ends and start mid scale-word
    const staging = createTensor(ctx, 'staging', 'bf16', [block, cols]);
    const q = new WeightQuantizer(ctx, dst);
    for (let r0 = 0; r0 < rows; r0 += block) {
      const n = Math.min(block, rows - r0);
      writeHost(ctx, staging.buffer, 0, (data as Uint16Array).subarray(r0 * cols, (r0 + n) * cols));
      q.quantize(staging, r0, n);
    }
    await q.finish();
    const got = await readQ8Weight(ctx, dst);
    const ref = quantizeQ8Ref(values, rows, cols);
    expect(Array.from(got.scales)).toEqual(Array.from(ref.scales));
    expect(Array.from(got.qweight)).toEqual(Array.from(ref.qweight));
    expect(ctx.errors).toEqual([]);
    destroyWeight(dst);
  });

  it('reports non-finite values and f16 scale overflow with the first bad row', async () => {
    const ctx = await testGpu();
    const rows = 12;
    const cols = 64;
    const w = new Float32Array(rows * cols).fill(0.5);
    w[9 * cols + 3] = 1e7; // m/128 = 78125 > 65504
    const src = uploadTensor(ctx, 'src.overflow', 'f32', [rows, cols], w);
    await expect(quantizeWeight(ctx, src, createQ8Weight(ctx, 'q8.overflow', rows, cols))).rejects.toThrow(
      /q8\.overflow: cannot quantize to q8: .*\/ 128 > 65504.*row 9/,
    );
    w[5 * cols + 40] = NaN;
    const src2 = uploadTensor(ctx, 'src.nan', 'f32', [rows, cols], w);
    await expect(quantizeWeight(ctx, src2, createQ8Weight(ctx, 'q8.nan', rows, cols))).rejects.toThrow(
      /non-finite values.*row 5/,
    );
    expect(() => createQ8Weight(ctx, 'bad', 4, 48)).toThrow(/cols % 32/);
    expect(ctx.errors).toEqual([]);
  });
});
