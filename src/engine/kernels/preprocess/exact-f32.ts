// Bit-exact float32 arithmetic on JS numbers, for the host-side weight tables and the CPU reference.
// JS computes in f64; one f64 op followed by Math.fround is the correctly rounded f32 op for + − × ÷
// (53 ≥ 2·24 + 2), but a fused multiply-add needs care: the f64 sum a·b + c is itself rounded, and that
// double rounding can land on an f32 midpoint. fmaF32 resolves exactly that case.

const f32Bits = new Float32Array(1);
const u32Bits = new Uint32Array(f32Bits.buffer);

export const fround = Math.fround;

/** The float32 adjacent to the float32 `x` in the direction of `dir` (dir ≠ 0). */
export function nextF32(x: number, dir: number): number {
  if (x === 0) return dir > 0 ? 2 ** -149 : -(2 ** -149);
  f32Bits[0] = x;
  u32Bits[0] = x > 0 === dir > 0 ? u32Bits[0]! + 1 : u32Bits[0]! - 1;
  return f32Bits[0]!;
}

/**
 * round_f32(a·b + c) with a single rounding, for float32 inputs: what a C compiler emits for
 * `acc += x * w` under FMA contraction (PyTorch's CPU kernels on x86-64 AVX2/AVX-512 and aarch64).
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands fit in 53 bits
  const s = p + c;
  // TwoSum: s + e === p + c exactly.
  const bv = s - p;
  const e = p - (s - bv) + (c - bv);
  const r = fround(s);
  if (e === 0 || r === s) return r;
  // r is wrong only when s sits exactly on the midpoint between r and its neighbour and the true sum
  // lies beyond it (ties-to-even may then have picked the wrong side).
  const other = nextF32(r, s - r);
  if (s - r === (other - r) / 2 && Math.sign(e) === Math.sign(s - r)) return other;
  return r;
}

/** The IEEE bits of a float32 value. */
export function f32ToBits(x: number): number {
  f32Bits[0] = x;
  return u32Bits[0]!;
}

export function bitsToF32(bits: number): number {
  u32Bits[0] = bits >>> 0;
  return f32Bits[0]!;
}
