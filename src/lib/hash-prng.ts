// The counter-based hash PRNG that defines the 7B slice goldens' weights and the benchmark's synthetic 7B
// (ARCHITECTURE.md §5): shared by the host generator (src/test-utils/hash-weights.ts) and the GPU one
// (shaders/hash_fill.wgsl), which must agree bit for bit.
//   mix(x)    = lowbias32: x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16   (u32)
//   tensorId  = FNV-1a 32 of the name's UTF-8 bytes
//   key       = mix(mix(seed) ^ tensorId)
//   u(i)      = mix(mix(i + key) ^ key)                    i = flat row-major element index (< 2^32)
//   value     = bf16_rne(f32(mean + (2 * ((u >>> 8) + 0.5) / 2^24 - 1) * (std * sqrt(3))))   (f64 arithmetic)

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
  if (!(amp > 0) || !Number.isFinite(amp)) throw new Error(`hash amplitude std·√3 = ${amp} must be positive and finite`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, amp);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  if (biased === 0) throw new Error(`hash amplitude ${amp} is subnormal`);
  return { aHi: (hi & 0xfffff) | 0x100000, aLo: lo, exp: biased - 1023 - 52 };
}
