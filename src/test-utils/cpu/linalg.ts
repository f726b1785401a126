// Plain-TS references for the linear-algebra kernels (test-only). Written for clarity, not speed, and on purpose
// by a different route than the shaders: f16 rounding by f64 arithmetic (the shader uses integer bit tricks), q4/q8
// rounding by exact f64 division (the shader uses midpoint comparisons), sums in f64.
import { f16BitsToF32 } from '../../lib/f16';
import { roundHalfEven } from '../../lib/round-half-even';
import type { QuantKind } from '../../engine/kernels/weight-chunks';

export { f16BitsToF32, roundHalfEven };

/** f32/f64 value → f16 bits, round-to-nearest-even, subnormals kept, overflow to ±inf (NaN → 0x7e00). */
export function f32ToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // 1024 here is the smallest normal, encoded alike
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  let q = roundHalfEven(a / 2 ** (e - 10)); // in [1024, 2048]
  if (q === 2048) {
    q = 1024;
    e++;
  }
  return sign | ((e + 15) << 10) | (q - 1024);
}

export function f16Round(x: number): number {
  return f16BitsToF32(f32ToF16Bits(x));
}

// f32 value → bf16 bits, round-to-nearest-even (NaN → 0x7fc0, as torch): one copy for the whole repo, in
// src/lib/hash-prng.ts.
import { f32ToBf16Bits } from '../../lib/hash-prng';
export { f32ToBf16Bits };

export function bf16BitsToF32(h: number): number {
  return new Float32Array(new Uint32Array([(h & 0xffff) << 16]).buffer)[0]!;
}

export type Dtype16 = 'bf16' | 'f16';

export function bitsToF32(dtype: Dtype16, h: number): number {
  return dtype === 'bf16' ? bf16BitsToF32(h) : f16BitsToF32(h);
}

export function f32To16Bits(dtype: Dtype16, x: number): number {
  return dtype === 'bf16' ? f32ToBf16Bits(x) : f32ToF16Bits(x);
}

/** Widens raw 16-bit values to f32. */
export function widen16(dtype: Dtype16, bits: Uint16Array): Float32Array {
  return Float32Array.from(bits, (h) => bitsToF32(dtype, h));
}

/**
 * The quantized formats (q4: ARCHITECTURE.md §4; q8: docs/model.md §6.3): per group of 32 inputs one f16 scale
 * d = m / qmin (m the group's value of largest magnitude), codes q = clamp(round-half-even(w / d), qmin, qmax),
 * packed 32/bits per u32 word, element j of a word in bits j·bits.. — q4 as the nibble q + 8, q8 as q's
 * two's-complement byte.
 */
const QUANT_FORMATS = {
  q4: { bits: 4, offset: 8, randomExponent0: 6 },
  q8: { bits: 8, offset: 0, randomExponent0: 2 },
} as const satisfies Record<QuantKind, unknown>;

export interface QuantHost {
  /** u32 [rows][cols·bits/32] code words. */
  qweight: Uint32Array;
  /** f16 bits [rows*cols/32], flat index row*(cols/32)+group. */
  scales: Uint16Array;
  /** True if some group's scale overflowed f16 or saw a non-finite value (the GPU quantizer reports it). */
  bad: boolean;
}

function codeRange(kind: QuantKind): { bits: number; perWord: number; qmin: number; qmax: number } {
  const { bits } = QUANT_FORMATS[kind];
  return { bits, perWord: 32 / bits, qmin: -(2 ** (bits - 1)), qmax: 2 ** (bits - 1) - 1 };
}

/** Quantizes W[rows, cols] (f32 values) by the rule of the format. */
export function quantizeRef(kind: QuantKind, w: Float32Array, rows: number, cols: number): QuantHost {
  const { bits, perWord, qmin, qmax } = codeRange(kind);
  const { offset } = QUANT_FORMATS[kind];
  const groups = cols / 32;
  const qweight = new Uint32Array((rows * cols) / perWord);
  const scales = new Uint16Array(rows * groups);
  let bad = false;
  for (let gi = 0; gi < rows * groups; gi++) {
    const base = gi * 32;
    let m = w[base]!;
    for (let i = 1; i < 32; i++) if (Math.abs(w[base + i]!) > Math.abs(m)) m = w[base + i]!;
    const dBits = f32ToF16Bits(m / qmin);
    const d = f16BitsToF32(dBits);
    scales[gi] = dBits;
    for (let i = 0; i < 32; i++) {
      const v = w[base + i]!;
      if (!Number.isFinite(v)) bad = true;
      const q = d === 0 || !Number.isFinite(d) ? 0 : Math.min(qmax, Math.max(qmin, roundHalfEven(v / d)));
      qweight[((base + i) / perWord) >>> 0]! |= (((q + offset) & (2 ** bits - 1)) << (bits * (i % perWord))) >>> 0;
    }
    if (!Number.isFinite(d)) bad = true;
  }
  return { qweight, scales, bad };
}

/** The code q of flat element e. */
export function quantCode(kind: QuantKind, qweight: Uint32Array, e: number): number {
  const { bits, perWord, qmax } = codeRange(kind);
  const q = ((qweight[(e / perWord) >>> 0]! >>> (bits * (e % perWord))) & (2 ** bits - 1)) - QUANT_FORMATS[kind].offset;
  return q > qmax ? q - 2 ** bits : q;
}

/** Dequantizes rows [row0, row0 + count) of a quantized weight to f32 (exact: q·d). */
export function dequantRef(
  kind: QuantKind,
  q: Pick<QuantHost, 'qweight' | 'scales'>,
  cols: number,
  row0: number,
  count: number,
): Float32Array {
  const out = new Float32Array(count * cols);
  for (let i = 0; i < count * cols; i++) {
    const e = row0 * cols + i;
    out[i] = quantCode(kind, q.qweight, e) * f16BitsToF32(q.scales[e >> 5]!);
  }
  return out;
}

/** Stacks the dequantized rows `rows` of a quantized weight (for references over a sample of output columns). */
export function dequantRows(
  kind: QuantKind,
  q: Pick<QuantHost, 'qweight' | 'scales'>,
  cols: number,
  rows: readonly number[],
): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(dequantRef(kind, q, cols, r, 1), i * cols));
  return out;
}

export interface LinearRef {
  /** y[m*n] in f64, rounded to f32 storage only at the end. */
  y: Float64Array;
  /** Σ_k |x·w| + |b| per output: the scale f32 accumulation error is measured against. */
  mag: Float64Array;
}

/** y[M, N] = x[M, K] · W[N, K]ᵀ + b, accumulated in f64. `w` may hold only rows [0, n) of interest. */
export function linearRef(
  x: Float32Array,
  m: number,
  k: number,
  w: Float32Array,
  n: number,
  bias?: Float32Array,
): LinearRef {
  const y = new Float64Array(m * n);
  const mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j]! : 0;
      let a = bias ? Math.abs(bias[j]!) : 0;
      for (let t = 0; t < k; t++) {
        const p = x[i * k + t]! * w[j * k + t]!;
        s += p;
        a += Math.abs(p);
      }
      y[i * n + j] = s;
      mag[i * n + j] = a;
    }
  }
  return { y, mag };
}

/** Worst |got − ref| / mag over all outputs (0 when all match). */
export function worstLinearError(got: ArrayLike<number>, ref: LinearRef): { err: number; at: number } {
  let err = 0;
  let at = -1;
  for (let i = 0; i < ref.y.length; i++) {
    const e = Math.abs(got[i]! - ref.y[i]!) / Math.max(ref.mag[i]!, 1e-30);
    if (!(e <= err)) {
      err = e;
      at = i;
    }
  }
  return { err, at };
}

/** y = x / sqrt(mean(x²) + eps) · w per row, in f64. */
export function rmsnormRef(x: Float32Array, m: number, k: number, w: Float32Array, eps: number): Float64Array {
  const y = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    let ss = 0;
    for (let t = 0; t < k; t++) ss += x[i * k + t]! ** 2;
    const inv = 1 / Math.sqrt(ss / k + eps);
    for (let t = 0; t < k; t++) y[i * k + t] = x[i * k + t]! * inv * w[t]!;
  }
  return y;
}

export function siluRef(g: number): number {
  return g / (1 + Math.exp(-g));
}

/**
 * erf in f64 to ~1e-15: Maclaurin series for |x| < 2.5, otherwise the Laplace continued fraction of erfc
 * (evaluated bottom-up), which converges fast there.
 */
export function erfRef(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcContinuedFraction(a));
}

/** erfc(a) for a ≥ 2.5 by erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …)))). */
export function erfcContinuedFraction(a: number): number {
  let f = a;
  for (let n = 120; n >= 1; n--) f = a + n / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}

/** Exact GELU, x·Φ(x) = x/2·erfc(−x/√2), in f64 with a relative-accurate tail. */
export function geluRef(x: number): number {
  const z = -x / Math.SQRT2;
  const erfc = z >= 2.5 ? erfcContinuedFraction(z) : 1 - erfRef(z);
  return 0.5 * x * erfc;
}

/** Fast seeded u32 stream (xorshift32) for bulk test data, where mulberry32 per value would be slow. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * Random but valid quantized data [rows, cols]: uniform code words; scales of random sign with magnitudes
 * 2^-9..2^-2 for q4 and 2^-13..2^-6 for q8 (so q·d spans alike), about 1 % of them f16 subnormals (exercising the
 * exact scale decoding).
 */
export function randomQuantHost(
  kind: QuantKind,
  rows: number,
  cols: number,
  seed: number,
): Pick<QuantHost, 'qweight' | 'scales'> {
  const next = xorshift32(seed);
  const qweight = new Uint32Array((rows * cols) / codeRange(kind).perWord);
  for (let i = 0; i < qweight.length; i++) qweight[i] = next();
  const scales = new Uint16Array((rows * cols) / 32);
  for (let i = 0; i < scales.length; i++) {
    const r = next();
    const exponent = r % 100 === 0 ? 0 : QUANT_FORMATS[kind].randomExponent0 + ((r >>> 8) % 8);
    scales[i] = ((r >>> 16) & 0x8000) | (exponent << 10) | ((r >>> 4) & 0x3ff);
  }
  return { qweight, scales };
}

/** Seeded f32 values, normal-distributed via the sum of uniforms (fast, test inputs only). */
export function randomF32(n: number, seed: number, scale = 1): Float32Array {
  const next = xorshift32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((next() + next() + next() + next()) / 2 ** 32 - 2) * scale;
  return out;
}
