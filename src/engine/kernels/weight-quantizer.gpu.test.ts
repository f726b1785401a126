import { describe, expect, it } from 'vitest';
import { loadGolden } from '../../test-utils/goldens';
import { testGpu } from '../../test-utils/gpu';
import { seededNormal, seededRandom } from '../../test-utils/random';
import { createTensor, uploadTensor, writeHost } from '../gpu/tensor';
import {
  dequantRef,
  f16BitsToF32,
  f32To16Bits,
  quantCode,
  quantizeRef,
  roundHalfEven,
  widen16,
  type Dtype16,
} from '../../test-utils/cpu/linalg';
import { WeightQuantizer, quantizeWeight } from './weight-quantizer';
import { createQuantWeight, destroyWeight, quantRowBytes, readQuantWeight, type QuantKind } from './weight-chunks';

type SrcDtype = Dtype16 | 'f32';

/** What differs between the formats under test: the code range, the crafted tie groups and the test shapes. */
const SCHEMES = {
  q4: {
    qmin: -8,
    /** Exact ties (k + 0.5)·d for every k, with the extreme −8d (d > 0) and +8d (d < 0): round-half-even and the
     * clamp (7.5 → 8 → 7) both matter here. */
    tieD: 2 ** -6,
    ties: (d: number): number[] => {
      const g = [-8 * d];
      for (let k = -8; k <= 7; k++) g.push((k + 0.5) * d, k * d);
      return g;
    },
    /** Spread of the f32-only groups' other elements, under their extreme m/8 (near 8). */
    spread: [0.53, 0.51],
    exact: { rows: 37, cols: 128 },
    chunked: { rows: 200, chunkRows: [64, 64, 64, 8] },
    overflow: { value: 1e6, error: /q4\.overflow: .*f16 range.*row 9/ }, // m/8 = 125000 > 65504
  },
  q8: {
    qmin: -128,
    /** Exact ties (k + 0.5)·d across the code range (both parities), with the extreme −128d (d > 0) and +128d
     * (d < 0), whose opposite +127.5d must tie to 128 and clamp to 127. */
    tieD: 2 ** -10,
    ties: (d: number): number[] => {
      const g = [-128 * d, 127.5 * d, 127 * d, -127.5 * d];
      for (let k = -7; k <= 6; k++) g.push((k * 9 + 0.5) * d, (k * 9 + 1.5) * d);
      return g;
    },
    spread: [8.53, 8.51],
    exact: { rows: 21, cols: 96 },
    chunked: { rows: 140, chunkRows: [64, 64, 12] },
    overflow: { value: 1e7, error: /q8\.overflow: cannot quantize to q8: .*\/ 128 > 65504.*row 9/ }, // m/128 = 78125
  },
} as const;

/**
 * A [rows, cols] f32 matrix whose first groups are crafted edge cases of the format and the rest seeded normals of
 * varied magnitude. Crafted values are exact in bf16, f16 and f32 unless noted, so every source dtype sees them.
 */
function craftedMatrix(kind: QuantKind, rows: number, cols: number, seed: number): Float32Array {
  const { qmin, tieD, ties, spread } = SCHEMES[kind];
  const w = new Float32Array(rows * cols);
  const normal = seededNormal(seed);
  const rand = seededRandom(seed + 1);
  for (let g = 0; g < (rows * cols) / 32; g++) {
    const scale = 10 ** (rand() * 6 - 4);
    for (let i = 0; i < 32; i++) w[g * 32 + i] = normal() * scale;
  }
  const groups: number[][] = [];
  for (const sign of [1, -1]) groups.push(ties(tieD * sign).slice(0, 32));
  groups.push([0.5, -0.5, ...Array<number>(30).fill(0.25)]); // equal magnitudes: the first (+) wins
  groups.push([-0.5, 0.5, ...Array<number>(30).fill(-0.25)]); // the first (−) wins
  groups.push(Array<number>(32).fill(0)); // all zero: d = −0, q = 0
  groups.push(Array<number>(32).fill(-0)); // all −0: d = +0
  // f16 subnormal scales: m/|qmin| = 2.5·2^-24 (a subnormal tie → 2·2^-24), 3·2^-24, and 2^-26 → d = 0.
  for (const m of [2.5 * 2 ** -24, -3 * 2 ** -24, 2 ** -26].map((v) => v * -qmin))
    groups.push([m, ...Array.from({ length: 31 }, (_, i) => (m * (i - 15)) / 16)]);
  // f32-only: m/|qmin| on an f16 midpoint (1 + 2^-11 ties down to 1, 1 + 3·2^-11 up), arbitrary f32 extremes, f32
  // subnormals.
  groups.push([-qmin * (1 + 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * spread[0])]);
  groups.push([qmin * (1 + 3 * 2 ** -11), ...Array.from({ length: 31 }, (_, i) => (i - 15) * spread[1])]);
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

describe.each(['q4', 'q8'] as const)('%s quantization on the GPU', (kind) => {
  const scheme = SCHEMES[kind];

  for (const dtype of ['bf16', 'f16', 'f32'] as const) {
    it(`is bit-identical to the TS rule for ${dtype} sources, edge cases included`, async () => {
      const ctx = await testGpu();
      const { rows, cols } = scheme.exact;
      const { data, values } = asSource(dtype, craftedMatrix(kind, rows, cols, 11));
      const src = uploadTensor(ctx, `src.${dtype}`, dtype, [rows, cols], data);
      const dst = createQuantWeight(ctx, kind, `${kind}.${dtype}`, rows, cols);
      await quantizeWeight(ctx, src, dst);
      const got = await readQuantWeight(ctx, dst);
      const ref = quantizeRef(kind, values, rows, cols);
      expect(ref.bad, 'the crafted matrix must quantize cleanly').toBe(false);
      expect(countTies(values, ref.scales), 'exact rounding midpoints in the input').toBeGreaterThan(20);
      const subnormal = ref.scales.filter((s) => (s & 0x7c00) === 0 && (s & 0x3ff) !== 0);
      expect(subnormal.length, 'subnormal f16 scales in the input (the case under test)').toBeGreaterThan(0);
      expect(Array.from(got.scales)).toEqual(Array.from(ref.scales));
      expect(Array.from(got.qweight)).toEqual(Array.from(ref.qweight));
      expect(ctx.errors).toEqual([]);
      destroyWeight(dst);
      src.buffer.destroy();
    });
  }

  it(`the reference follows the rule on its own terms: d = m/${scheme.qmin}, half-even codes, clamp`, () => {
    // Guards the reference itself, independent of the GPU: both tie groups (d > 0, then d < 0).
    const w = craftedMatrix(kind, 1, 64, 3);
    const ref = quantizeRef(kind, w, 1, 64);
    expect(f16BitsToF32(ref.scales[0]!)).toBe(scheme.tieD);
    expect(f16BitsToF32(ref.scales[1]!)).toBe(-scheme.tieD);
    const [qmin, qmax] = [scheme.qmin, -scheme.qmin - 1];
    for (let i = 0; i < 64; i++) {
      const d = f16BitsToF32(ref.scales[i >> 5]!);
      const want = Math.max(qmin, Math.min(qmax, roundHalfEven(w[i]! / d)));
      expect(quantCode(kind, ref.qweight, i), `element ${i}`).toBe(want);
    }
    // The extreme and its opposite's clamped tie, in both groups.
    expect([0, 32].map((e) => quantCode(kind, ref.qweight, e))).toEqual([qmin, qmin]);
  });

  it('streams row blocks into a chunked weight with an odd number of groups per row', async () => {
    const ctx = await testGpu();
    const { rows, chunkRows } = scheme.chunked;
    const cols = 96; // 3 groups per row: scale words are shared across rows and across dispatches
    const { data, values } = asSource('bf16', craftedMatrix(kind, rows, cols, 5));
    const maxChunkBytes = 64 * quantRowBytes(kind, cols).qweight;
    const dst = createQuantWeight(ctx, kind, `${kind}.chunked`, rows, cols, { maxChunkBytes });
    expect(dst.chunks.map((c) => c.rows)).toEqual(chunkRows);
    const block = 37; // blocks straddle chunk ends and start mid scale-word
    const staging = createTensor(ctx, 'staging', 'bf16', [block, cols]);
    const q = new WeightQuantizer(ctx, dst);
    for (let r0 = 0; r0 < rows; r0 += block) {
      const n = Math.min(block, rows - r0);
      writeHost(ctx, staging.buffer, 0, (data as Uint16Array).subarray(r0 * cols, (r0 + n) * cols));
      q.quantize(staging, r0, n);
    }
    await q.finish();
    const got = await readQuantWeight(ctx, dst);
    const ref = quantizeRef(kind, values, rows, cols);
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
    w[9 * cols + 3] = scheme.overflow.value;
    const src = uploadTensor(ctx, 'src.overflow', 'f32', [rows, cols], w);
    const overflow = createQuantWeight(ctx, kind, `${kind}.overflow`, rows, cols);
    await expect(quantizeWeight(ctx, src, overflow)).rejects.toThrow(scheme.overflow.error);
    w[5 * cols + 40] = NaN;
    const src2 = uploadTensor(ctx, 'src.nan', 'f32', [rows, cols], w);
    const nan = createQuantWeight(ctx, kind, `${kind}.nan`, rows, cols);
    await expect(quantizeWeight(ctx, src2, nan)).rejects.toThrow(/non-finite values.*row 5/);
    expect(() => createQuantWeight(ctx, kind, 'bad', 4, 48)).toThrow(/cols % 32/);
    expect(ctx.errors).toEqual([]);
  });
});

describe('WeightQuantizer', () => {
  it('rejects sources and ranges that do not fit', async () => {
    const ctx = await testGpu();
    const dst = createQuantWeight(ctx, 'q4', 'q4.small', 4, 64);
    const q = new WeightQuantizer(ctx, dst);
    expect(() => q.quantize(createTensor(ctx, 'short', 'bf16', [2, 64]), 0, 3)).toThrow(
      /short has 128 values, need 3 rows of 64/,
    );
    expect(() => q.quantize(createTensor(ctx, 'ok', 'bf16', [2, 64]), 3, 2)).toThrow(
      /rows \[3, 5\) pass the weight's 4 rows/,
    );
    await q.finish();
  });
});

describe('q8 quantization: the Python reference', () => {
  it('reproduces it byte for byte (q8-format golden: hand rows, near-max and subnormal scales)', async () => {
    const ctx = await testGpu();
    const g = loadGolden('q8-format');
    const weight = g.f32('q8.safetensors', 'weight');
    const [rows, cols] = weight.shape as [number, number];
    const bits = Uint16Array.from(weight.data, (v) => f32To16Bits('bf16', v));
    expect(widen16('bf16', bits), 'the golden matrix is bf16-exact').toEqual(weight.data);
    const dst = createQuantWeight(ctx, 'q8', 'q8.golden', rows, cols);
    await quantizeWeight(ctx, uploadTensor(ctx, 'q8.golden.src', 'bf16', [rows, cols], bits), dst);
    const got = await readQuantWeight(ctx, dst);
    expect(Array.from(got.qweight)).toEqual(Array.from(g.u32('q8.safetensors', 'qweight').data));
    expect(Array.from(got.scales)).toEqual(Array.from(g.u16('q8.safetensors', 'scales_f16').data));
    expect(dequantRef('q8', got, cols, 0, rows)).toEqual(g.f32('q8.safetensors', 'dequantized').data);
    expect(ctx.errors).toEqual([]);
    destroyWeight(dst);
  });

  it('ties the opposite of the extreme to 128 and clamps it to 127', () => {
    const ref = quantizeRef('q8', craftedMatrix('q8', 1, 64, 3), 1, 64);
    expect([0, 1, 3, 32, 33].map((e) => quantCode('q8', ref.qweight, e))).toEqual([-128, 127, -128, -128, 127]);
  });
});
