// The counter-based hash PRNG that defines the 7B slice goldens' weights and the benchmark's synthetic 7B
// (ARCHITECTURE.md §5): shared by the host generator (src/test-utils/hash-weights.ts) and the GPU one
// (shaders/hash_fill.wgsl), which must agree bit for bit.
//   mix(x)    = lowbias32: x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16   (u32)
//   tensorId  = FNV-1a 32 of the name's UTF-8 bytes
//   key       = mix(mix(seed) ^ tensorId)
//   u(i)      = mix(mix(i + key) ^ key)                    i = flat row-major element index (< 2^32)
//   value     = bf16_rne(f32(mean + (2 * ((u >>> 8) + 0.5) / 2^24 - 1) * (std * sqrt(3))))   (f64 arithmetic)

/** A hash-generated tensor as the goldens' meta.json files describe it. */
export interface HashTensorSpec {
  seed: number;
  name: string;
  shape: readonly number[];
  std: number;
  mean?: number;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** Round-to-nearest-even float32 → bf16 bits (the value is first rounded to f32, exactly as numpy does). */
export function f32ToBf16Bits(x: number): number {
  f32Scratch[0] = x;
  const b = u32Scratch[0]!;
  // NaN → the canonical quiet NaN, as torch rounds it (rounding its bits could carry into the sign).
  if ((b & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16BitsToF32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i]! << 16;
  return new Float32Array(out.buffer);
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad tensor shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/**
 * bf16 bit patterns of elements [start, start + count) of a hash tensor (row-major). Generate a large tensor in
 * row ranges to bound memory; the values do not depend on how the range is split.
 */
export function hashBf16Range(spec: HashTensorSpec, start: number, count: number): Uint16Array {
  const total = elementCount(spec.shape);
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > total) {
    throw new Error(`hash range [${start}, ${start + count}) outside ${spec.name} with ${total} elements`);
  }
  if (total > 2 ** 32) throw new Error(`${spec.name}: ${total} elements exceed the 2^32 counter`);
  const key = streamKey(spec.seed, spec.name);
  const amp = spec.std * Math.sqrt(3);
  const mean = spec.mean ?? 0;
  const out = new Uint16Array(count);
  for (let k = 0; k < count; k++) {
    const u = hashU32(key, start + k);
    const f = ((u >>> 8) + 0.5) / 16777216;
    const t = 2 * f - 1;
    const x = t * amp + mean; // two separate roundings (JS never fuses), like numpy's `t * amp` then `+ mean`
    out[k] = f32ToBf16Bits(x);
  }
  return out;
}

/** The whole tensor as bf16 bits. */
export function hashBf16(spec: HashTensorSpec): Uint16Array {
  return hashBf16Range(spec, 0, elementCount(spec.shape));
}

/** The whole tensor as float32 (every value exactly a bf16). */
export function hashF32(spec: HashTensorSpec): Float32Array {
  return bf16BitsToF32(hashBf16(spec));
}

export function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

export function fnv1a32(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

export function streamKey(seed: number, name: string): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`hash seed must be a u32, got ${seed}`);
  return mix32((mix32(seed) ^ fnv1a32(name)) >>> 0);
}

/** u(i) of one element. */
export function hashU32(key: number, index: number): number {
  return mix32((mix32((index + key) >>> 0) ^ key) >>> 0);
}

/**
 * The amplitude std·√3 (f64, as the host computes it) as an integer mantissa A < 2^53 split in two u32 words and
 * the exponent e with amp = A · 2^e; the GPU generator needs it exactly. Normal positive values only.
 */
export function amplitudeParts(std: number): { aHi: number; aLo: number; exp: number } {
  const amp = std * Math.sqrt(3);
  if (!(amp > 0) || !Number.isFinite(amp))
    throw new Error(`hash amplitude std·√3 = ${amp} must be positive and finite`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, amp);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  if (biased === 0) throw new Error(`hash amplitude ${amp} is subnormal`);
  return { aHi: (hi & 0xfffff) | 0x100000, aLo: lo, exp: biased - 1023 - 52 };
}
