import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { seededNormal, seededRandom } from '../../test-utils/random';
import { createTensor, uploadTensor, writeHost } from '../gpu/tensor';
import {
  f16BitsToF32,
  f32To16Bits,
  quantizeQ4Ref,
  roundHalfEven,
  widen16,
  type Dtype16,
} from '../../test-utils/cpu/linalg';
import { WeightQuantizer, quantizeWeight } from './q4-quantize';
import { createQ4Weight, destroyWeight, readQ4Weight } from './weight-chunks';

type SrcDtype = Dtype16 | 'f32';

/**
 * A [rows, cols] f32 matrix whose first groups are crafted edge cases and the rest seeded normals of varied
 * magnitude. Crafted values are exact in bf16, f16 and f32 unless noted, so every source dtype sees them.
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
  const d = 2 ** -6;
  // Exact ties (k + 0.5)·d for every k, with the extreme −8d (d > 0) and +8d (d < 0): round-half-even and the
  // clamp (7.5 → 8 → 7) both matter here.
  for (const sign of [1, -1]) {
    const g = [-8 * d * sign];
    for (let k = -8; k <= 7; k++) g.push((k + 0.5) * d * sign, k * d * sign);
    groups.push(g.slice(0, 32));
  }
  groups.push([0.5, -0.5, ...Array<number>(30).fill(0.25)]); // equal magnitudes: the first (+) wins
  groups.push([-0.5, 0.5, ...Array<number>(30).fill(-0.25)]); // the first (−) wins
  groups.push(Array<number>(32).fill(0)); // all zero: d = −0, q = 0
  groups.push(Array<number>(32).fill(-0)); // all −0: d = +0
  // f16 subnormal scales: m/8 = 2.5·2^-24 (a subnormal tie → 2·2^-24), 3·2^-24, and m/8 = 2^-26 → d = 0.
  for (const m of [20 * 2 ** -24, -24 * 2 ** -24, 2 ** -23])
    groups.push([m, ...Array.from({ length: 31 }, (_, i) => (m * (i - 15)) / 16)]);
  // f32-only: m/8 on an f16 midpoint (1 + 2^-11 ties down to 1, 1 + 3·2^-11 up), arbitrary f32 extremes, f32 subnormals.
  groups.push([8 * (1 + 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * 0.53)]);
  groups.push([-8 * (1 + 3 * 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * 0.51)]);
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

/** Number of elements that sit exactly on a rounding midpoint of their group's scale (the test must have some). */
function countTies(values: Float32Array, scales: Uint16Array): number {
  let ties = 0;
  for (let i = 0; i < values.length; i++) {
    const d = f16BitsToF32(scales[i >> 5]!);
    if (d !== 0 && Math.abs(values[i]! / d) % 1 === 0.5) ties++;
  }
  return ties;
}

describe('q4 quantization on the GPU', () => {
  for (const dtype of ['bf16', 'f16', 'f32'] as const) {
    it(`is bit-identical to the TS rule for ${dtype} sources, edge cases included`, async () => {
      const ctx = await testGpu();
      const rows = 37;
      const cols = 128;
      const { data, values } = asSource(dtype, craftedMatrix(rows, cols, 11));
      const src = uploadTensor(ctx, `src.${dtype}`, dtype, [rows, cols], data);
      const dst = createQ4Weight(ctx, `q4.${dtype}`, rows, cols);
      await quantizeWeight(ctx, src, dst);
      const got = await readQ4Weight(ctx, dst);
      const ref = quantizeQ4Ref(values, rows, cols);
      expect(ref.bad).toBe(false);
      expect(countTies(values, ref.scales)).toBeGreaterThan(20);
      const subnormal = ref.scales.filter((s) => (s & 0x7c00) === 0 && (s & 0x3ff) !== 0);
      expect(subnormal.length, 'subnormal f16 scales in the input (the case under test)').toBeGreaterThan(0);
      expect(Array.from(got.scales)).toEqual(Array.from(ref.scales));
      expect(Array.from(got.qweight)).toEqual(Array.from(ref.qweight));
      expect(ctx.errors).toEqual([]);
      destroyWeight(dst);
      src.buffer.destroy();
    });
  }

  it('matches the exact rule on its own terms (independent of the TS quantizer)', () => {
    // Guards the reference itself: a tie group must come out as round-half-even of w/d with d = m/−8.
    const w = craftedMatrix(1, 32, 3);
    const ref = quantizeQ4Ref(w, 1, 32);
    const d = f16BitsToF32(ref.scales[0]!);
    expect(d).toBe(2 ** -6);
    for (let i = 0; i < 32; i++) {
      const q = ((ref.qweight[i >> 3]! >>> (4 * (i & 7))) & 15) - 8;
      expect(q).toBe(Math.max(-8, Math.min(7, roundHalfEven(w[i]! / d))));
    }
  });

  it('streams row blocks into a chunked weight with an odd number of groups per row', async () => {
    const ctx = await testGpu();
    const rows = 200;
    const cols = 96; // 3 groups per row: scale words are shared across rows and across dispatches
    const w = craftedMatrix(rows, cols, 5);
    const { data, values } = asSource('bf16', w);
    const dst = createQ4Weight(ctx, 'q4.chunked', rows, cols, { maxChunkBytes: 64 * (cols / 2) });
    expect(dst.chunks.map((c) => c.rows)).toEqual([64, 64, 64, 8]);
    const block = 37; // blocks straddle chunk ends and start mid scale-word
    const staging = createTensor(ctx, 'staging', 'bf16', [block, cols]);
    const q = new WeightQuantizer(ctx, dst);
    for (let r0 = 0; r0 < rows; r0 += block) {
      const n = Math.min(block, rows - r0);
      writeHost(ctx, staging.buffer, 0, (data as Uint16Array).subarray(r0 * cols, (r0 + n) * cols));
      q.quantize(staging, r0, n);
    }
    await q.finish();
    const got = await readQ4Weight(ctx, dst);
    const ref = quantizeQ4Ref(values, rows, cols);
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
    w[9 * cols + 3] = 1e6; // m/8 = 125000 > 65504
    const src = uploadTensor(ctx, 'src.overflow', 'f32', [rows, cols], w);
    await expect(quantizeWeight(ctx, src, createQ4Weight(ctx, 'q4.overflow', rows, cols))).rejects.toThrow(
      /q4\.overflow: .*f16 range.*row 9/,
    );
    w[5 * cols + 40] = NaN;
    const src2 = uploadTensor(ctx, 'src.nan', 'f32', [rows, cols], w);
    await expect(quantizeWeight(ctx, src2, createQ4Weight(ctx, 'q4.nan', rows, cols))).rejects.toThrow(
      /non-finite values.*row 5/,
    );
    expect(ctx.errors).toEqual([]);
  });

  it('rejects sources and ranges that do not fit', async () => {
    const ctx = await testGpu();
    const dst = createQ4Weight(ctx, 'q4.small', 4, 64);
    const q = new WeightQuantizer(ctx, dst);
    expect(() => q.quantize(createTensor(ctx, 'short', 'bf16', [2, 64]), 0, 3)).toThrow(
      /short has 128 values, need 3 rows of 64/,
    );
    expect(() => q.quantize(createTensor(ctx, 'ok', 'bf16', [2, 64]), 3, 2)).toThrow(
      /rows \[3, 5\) pass the weight's 4 rows/,
    );
    expect(() => createQ4Weight(ctx, 'bad', 4, 48)).toThrow(/cols % 32/);
    await q.finish();
  });
});
