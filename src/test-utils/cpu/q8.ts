// Plain-TS reference of the q8 format (docs/model.md §6.3), by a different route than the shader: the
// scale by f64 division and f16 rounding in f64 (linalg.ts), codes by exact f64 division and round-half-even.
import { f16BitsToF32, f32ToF16Bits, roundHalfEven, xorshift32 } from './linalg';

export interface Q8Host {
  /** u32 [rows][cols/4]: element 4k+j of a row in bits 8j..8j+7 of word k, as q's two's-complement byte. */
  qweight: Uint32Array;
  /** f16 bits [rows*cols/32], flat index row*(cols/32)+group. */
  scales: Uint16Array;
  /** True if some group's scale overflowed f16 or saw a non-finite value (the GPU quantizer reports it). */
  bad: boolean;
}

/** Quantizes W[rows, cols] (f32 values) by the q8 rule. */
export function quantizeQ8Ref(w: Float32Array, rows: number, cols: number): Q8Host {
  const groups = cols / 32;
  const qweight = new Uint32Array((rows * cols) / 4);
  const scales = new Uint16Array(rows * groups);
  let bad = false;
  for (let gi = 0; gi < rows * groups; gi++) {
    const base = gi * 32;
    let m = w[base]!;
    for (let i = 1; i < 32; i++) if (Math.abs(w[base + i]!) > Math.abs(m)) m = w[base + i]!;
    const dBits = f32ToF16Bits(m / -128);
    const d = f16BitsToF32(dBits);
    scales[gi] = dBits;
    for (let i = 0; i < 32; i++) {
      const v = w[base + i]!;
      if (!Number.isFinite(v)) bad = true;
      const q = d === 0 || !Number.isFinite(d) ? 0 : Math.min(127, Math.max(-128, roundHalfEven(v / d)));
      qweight[(base + i) >> 2]! |= ((q & 0xff) << (8 * (i & 3))) >>> 0;
    }
    if (!Number.isFinite(d)) bad = true;
  }
  return { qweight, scales, bad };
}

/** The code q of flat element e. */
export function q8Code(qweight: Uint32Array, e: number): number {
  const byte = (qweight[e >> 2]! >>> (8 * (e & 3))) & 0xff;
  return byte >= 128 ? byte - 256 : byte;
}

/** Dequantizes rows [row0, row0 + count) of a q8 weight to f32 (exact: q·d). */
export function dequantQ8Ref(
  q: Pick<Q8Host, 'qweight' | 'scales'>,
  cols: number,
  row0: number,
  count: number,
): Float32Array {
  const out = new Float32Array(count * cols);
  for (let i = 0; i < count * cols; i++) {
    const e = row0 * cols + i;
    out[i] = q8Code(q.qweight, e) * f16BitsToF32(q.scales[e >> 5]!);
  }
  return out;
}

/** Stacks the dequantized rows `rows` of a q8 weight (for references over a sample of output columns). */
export function dequantQ8Rows(
  q: Pick<Q8Host, 'qweight' | 'scales'>,
  cols: number,
  rows: readonly number[],
): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => out.set(dequantQ8Ref(q, cols, r, 1), i * cols));
  return out;
}

/**
 * Random but valid q8 data [rows, cols]: uniform bytes (−128..127); scales of random sign with magnitudes
 * 2^-13..2^-6, about 1 % of them f16 subnormals (exercising the exact scale decoding).
 */
export function randomQ8Host(rows: number, cols: number, seed: number): Pick<Q8Host, 'qweight' | 'scales'> {
  const next = xorshift32(seed);
  const qweight = new Uint32Array((rows * cols) / 4);
  for (let i = 0; i < qweight.length; i++) qweight[i] = next();
  const scales = new Uint16Array((rows * cols) / 32);
  for (let i = 0; i < scales.length; i++) {
    const r = next();
    const exponent = r % 100 === 0 ? 0 : 2 + ((r >>> 8) % 8);
    scales[i] = ((r >>> 16) & 0x8000) | (exponent << 10) | ((r >>> 4) & 0x3ff);
  }
  return { qweight, scales };
}
