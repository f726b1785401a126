// Plain-TS references for the attention kernel families (RoPE, tiled/segment/decode attention, the tap).
// RoPE mirrors torch's f32 arithmetic (f32 angle, f32 products); attention and the tap are computed in f64,
// i.e. the exact answer the f32 kernels approximate.
import { seededNormal } from '../random';

/** Seeded N(0, scale²) values. */
export function randomF32(seed: number, n: number, scale = 1): Float32Array {
  const g = seededNormal(seed);
  return Float32Array.from({ length: n }, () => g() * scale);
}

/** Rotates x [rows][heads][dim] in place of a copy: M-RoPE with sections (t, h, w) over dim/2 frequencies. */
export function ropeTextRef(
  x: Float32Array,
  rows: number,
  heads: number,
  dim: number,
  positions: Int32Array,
  posStride: number,
  posColumn: number,
  invFreq: Float32Array,
  section: readonly [number, number, number],
): Float32Array {
  const half = dim / 2;
  const axis = (j: number) => (j < section[0] ? 0 : j < section[0] + section[1] ? 1 : 2);
  const angles = (r: number) =>
    Float32Array.from({ length: half }, (_, j) =>
      Math.fround(positions[axis(j) * posStride + posColumn + r]! * invFreq[j]!),
    );
  return rotateRows(x, rows, heads, dim, angles);
}

/** 2-D vision RoPE (docs/model.md §3.3): angle j < dim/4 is hp·inv[j], j ∈ [dim/4, dim/2) is wp·inv[j − dim/4]. */
export function ropeVisionAngles(hp: number, wp: number, invFreq: Float32Array): Float32Array {
  const q = invFreq.length;
  return Float32Array.from({ length: 2 * q }, (_, j) => Math.fround((j < q ? hp : wp) * invFreq[j % q]!));
}

/** x' = x·cos + rotate_half(x)·sin per head, f32 products and sums as torch does them. */
export function rotateRows(
  x: Float32Array,
  rows: number,
  heads: number,
  dim: number,
  angles: (r: number) => Float32Array,
): Float32Array {
  const half = dim / 2;
  const out = new Float32Array(rows * heads * dim);
  const f = Math.fround;
  for (let r = 0; r < rows; r++) {
    const a = angles(r);
    for (let h = 0; h < heads; h++) {
      const o = (r * heads + h) * dim;
      for (let j = 0; j < half; j++) {
        const c = f(Math.cos(a[j]!));
        const s = f(Math.sin(a[j]!));
        const lo = x[o + j]!;
        const hi = x[o + j + half]!;
        out[o + j] = f(f(lo * c) - f(hi * s));
        out[o + j + half] = f(f(hi * c) + f(lo * s));
      }
    }
  }
  return out;
}

export interface AttentionRefInput {
  /** [rows][heads][dim] */
  q: Float32Array;
  rows: number;
  heads: number;
  kvHeads: number;
  dim: number;
  /** K and V as [kvHeads][len][dim] (the cache layout). */
  k: Float32Array;
  v: Float32Array;
  len: number;
  /** Keys row r attends to: [lo, hi). */
  keyRange: (r: number) => readonly [number, number];
}

/**
 * The input of one decode row: query `q` ([heads][dim]) attending to keys [0, len) of a `maxLen`-row cache whose
 * K and V are `kv` (the cache layout).
 */
export function decodeRowInput(
  q: Float32Array,
  heads: { heads: number; kvHeads: number; dim: number },
  kv: { k: Float32Array; v: Float32Array },
  maxLen: number,
  len: number,
): AttentionRefInput {
  return { q, rows: 1, ...heads, k: kv.k, v: kv.v, len: maxLen, keyRange: () => [0, len] };
}

/** Scaled scores q·k/sqrt(dim) of one query row and head over keys [lo, hi), f64. */
export function scoresRef(inp: AttentionRefInput, r: number, h: number, lo: number, hi: number): Float64Array {
  const { dim, len } = inp;
  const g = Math.floor(h / (inp.heads / inp.kvHeads));
  const scale = Math.fround(1 / Math.sqrt(dim));
  const s = new Float64Array(hi - lo);
  const qo = (r * inp.heads + h) * dim;
  for (let j = lo; j < hi; j++) {
    const ko = (g * len + j) * dim;
    let acc = 0;
    for (let d = 0; d < dim; d++) acc += inp.q[qo + d]! * inp.k[ko + d]!;
    s[j - lo] = acc * scale;
  }
  return s;
}

/** softmax(q·kᵀ/sqrt(D))·V per row and head; output [rows][heads][dim]. */
export function attentionRef(inp: AttentionRefInput): Float64Array {
  const { rows, heads, dim, len } = inp;
  const out = new Float64Array(rows * heads * dim);
  for (let r = 0; r < rows; r++) {
    const [lo, hi] = inp.keyRange(r);
    for (let h = 0; h < heads; h++) {
      const g = Math.floor(h / (heads / inp.kvHeads));
      const p = softmax(scoresRef(inp, r, h, lo, hi));
      const o = (r * heads + h) * dim;
      for (let j = lo; j < hi; j++) {
        const vo = (g * len + j) * dim;
        const w = p[j - lo]!;
        for (let d = 0; d < dim; d++) out[o + d]! += w * inp.v[vo + d]!;
      }
    }
  }
  return out;
}

export function softmax(s: Float64Array): Float64Array {
  let m = -Infinity;
  for (const x of s) m = Math.max(m, x);
  let z = 0;
  const p = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) z += p[i] = Math.exp(s[i]! - m);
  for (let i = 0; i < s.length; i++) p[i]! /= z;
  return p;
}

export interface TapRef {
  headMass: Float64Array;
  pairMass: Float64Array;
  /** head-mean probability over [v0, v1) */
  videoRow: Float64Array;
  /** head-mean mass on sink [0,1), system [1,v0), video [v0,v1), question [v1,P), generated [P,ctxLen) */
  segmentMass: Float64Array;
  /** per head, probability summed over every key (should be 1) */
  total: Float64Array;
}

/**
 * Attention tap (docs/attention.md) for query row r over keys [0, ctxLen), video span [v0, v1) in `pairs` groups,
 * prompt length `promptLen` (default v1: no question segment).
 */
export function tapRef(
  inp: AttentionRefInput,
  r: number,
  ctxLen: number,
  v0: number,
  v1: number,
  pairs: number,
  promptLen = v1,
): TapRef {
  const H = inp.heads;
  const per = (v1 - v0) / pairs;
  const headMass = new Float64Array(H);
  const pairMass = new Float64Array(pairs);
  const row = new Float64Array(v1 - v0);
  const total = new Float64Array(H);
  const segmentMass = new Float64Array(5);
  const segmentOf = (j: number) => (j < 1 ? 0 : j < v0 ? 1 : j < v1 ? 2 : j < promptLen ? 3 : 4);
  for (let h = 0; h < H; h++) {
    const p = softmax(scoresRef(inp, r, h, 0, ctxLen));
    for (let j = 0; j < ctxLen; j++) {
      total[h]! += p[j]!;
      segmentMass[segmentOf(j)]! += p[j]! / H;
    }
    for (let j = v0; j < v1; j++) {
      headMass[h]! += p[j]!;
      row[j - v0]! += p[j]! / H;
      pairMass[Math.floor((j - v0) / per)]! += p[j]! / H;
    }
  }
  return { headMass, pairMass, videoRow: row, segmentMass, total };
}

/** Max |a − b| / (atol + rtol·|b|) — ≤ 1 means within tolerance. */
export function worstRatio(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  atol: number,
  rtol: number,
): { ratio: number; index: number } {
  if (a.length !== b.length) throw new Error(`worstRatio: lengths ${a.length} and ${b.length} differ`);
  let ratio = 0;
  let index = -1;
  for (let i = 0; i < a.length; i++) {
    const r = Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!));
    if (!(r <= ratio)) {
      ratio = r;
      index = i;
    }
  }
  return { ratio, index };
}
