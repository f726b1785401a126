// Python / PyTorch numerics that the frame-sampling math depends on, reproduced bit for bit in JS doubles.
// Python floats are IEEE doubles like JS numbers, so only the rounding rules need care; torch's float32 is
// emulated with Math.fround plus exact error terms where torch's compiled kernel uses a fused multiply-add.

import { roundHalfEven } from '../lib/round-half-even';

export { roundHalfEven };

/** qwen_vl_utils `round_by_factor`: `round(number / factor) * factor`. */
export function roundByFactor(value: number, factor: number): number {
  return roundHalfEven(value / factor) * factor;
}

/** qwen_vl_utils `ceil_by_factor`: `math.ceil(number / factor) * factor`. */
export function ceilByFactor(value: number, factor: number): number {
  return Math.ceil(value / factor) * factor;
}

/** qwen_vl_utils `floor_by_factor`: `math.floor(number / factor) * factor`. */
export function floorByFactor(value: number, factor: number): number {
  return Math.floor(value / factor) * factor;
}

const f32View = new Float32Array(1);
const u32View = new Uint32Array(f32View.buffer);

/** The float32 neighbour of a finite float32 value `x`, one step towards `direction` (+1 or -1). */
function nextF32(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * 1.401298464324817e-45;
  f32View[0] = x;
  const bits = u32View[0] ?? 0;
  u32View[0] = x > 0 === direction > 0 ? bits + 1 : bits - 1;
  return f32View[0] ?? 0;
}

/**
 * float32 of the exact real `a + b`, rounded once (round-to-nearest-even), for doubles a and b.
 * This is what a fused multiply-add produces when `b` is an exact product.
 */
export function f32OfExactSum(a: number, b: number): number {
  const s = a + b;
  // TwoSum: s + err equals a + b exactly.
  const bv = s - a;
  const err = a - (s - bv) + (b - bv);
  const r = Math.fround(s);
  if (err === 0 || r === s) return r; // s exact, or s is a float32 and err (< half a double ulp) cannot move it
  // fround(s) can only be wrong when s sits exactly halfway between two float32 values.
  const other = nextF32(r, s > r ? 1 : -1);
  if ((r + other) / 2 !== s) return r;
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}

/**
 * `torch.linspace(start, end, steps)` in float32 on the CPU (torch 2.7): the first half counts up from `start`,
 * the second half counts down from `end` (`end - step * (steps - i - 1)`), with `step` rounded to float32 and each
 * element rounded once (the kernel compiles to a fused multiply-add on x86-64; rounding twice gives different
 * integer indices for long videos, e.g. 169243 frames → 128). Integer `start`/`end` below 2^24 only.
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const out = new Float32Array(steps);
  if (steps === 0) return out;
  const s = Math.fround(start);
  const e = Math.fround(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = Math.fround(Math.fround(e - s) / Math.fround(steps - 1));
  const halfway = Math.floor(steps / 2);
  // step * k is exact in a double: a 24-bit mantissa times an integer below 2^24.
  for (let i = 0; i < steps; i++) {
    out[i] = i < halfway ? f32OfExactSum(s, step * i) : f32OfExactSum(e, -(step * (steps - i - 1)));
  }
  return out;
}
