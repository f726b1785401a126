// Hash-PRNG weights generated on the GPU, bit-identical to the host generator (src/lib/hash-prng.ts) for tensors
// of mean 0 (every matrix; vectors with a mean are made on the host):
//   u(i)  = mix(mix(i + key) ^ key)                        mix = lowbias32, i = flat element index of the tensor
//   n     = 2·(u >> 8) + 1 − 2^24                          odd, |n| < 2^24, so t = n / 2^24 is exact
//   value = bf16_rne(f32(f64(t · amp)))                    amp = std·√3 as an f64 (53-bit mantissa A, exponent)
// WGSL has no f64, and float tricks (two-product) would depend on the compiler not contracting a·b + c, so the
// product |n|·A (≤ 77 bits) is formed exactly in three u32 words and rounded to 53, 24, then 8 significant bits,
// each round-to-nearest-even — exactly the three roundings of the host (f64 product, f32, bf16). A fast path
// (≈ 254 of 256 elements) skips the f64 rounding where it provably cannot matter.
// Bindings: dst array<u32>: bf16 two per word (element 2k low half); params { words, word0, elem0, count, key,
//   a_hi, a_lo, exp_base }: writes dst[word0 …+words) from tensor elements elem0 … elem0+count−1 (an odd count's
//   last high half is 0). amp = (a_hi·2^32 + a_lo) · 2^(exp_base + 24), so value = ±|n|·A · 2^exp_base.
// Invocation t writes word t (two elements). Grid linear over ceil(words / WG).
#include "common/grid.wgsl"

struct Params { words: u32, word0: u32, elem0: u32, count: u32, key: u32, a_hi: u32, a_lo: u32, exp_base: i32 }

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read_write> dst: array<u32>;
@group(0) @binding(1) var<uniform> params: Params;

fn mix32(x0: u32) -> u32 {
  var x = x0;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  return x ^ (x >> 16u);
}

#include "common/mul_wide.wgsl"

// Number of significant bits of a 96-bit integer (words little-endian); 0 for 0.
fn bit_length(v: vec3<u32>) -> u32 {
  if (v.z != 0u) { return 65u + firstLeadingBit(v.z); }
  if (v.y != 0u) { return 33u + firstLeadingBit(v.y); }
  if (v.x != 0u) { return 1u + firstLeadingBit(v.x); }
  return 0u;
}

// Mask of the bits of word i that lie below bit k of the whole integer.
fn low_mask(k: u32, i: u32) -> u32 {
  let base = 32u * i;
  if (k <= base) { return 0u; }
  if (k >= base + 32u) { return 0xffffffffu; }
  return (1u << (k - base)) - 1u;
}

fn bit_at(v: vec3<u32>, k: u32) -> u32 {
  var w = v;
  return (w[k >> 5u] >> (k & 31u)) & 1u;
}

// v rounded to `keep` significant bits, round to nearest, ties to even (the dropped bits become 0).
fn round_keep(v: vec3<u32>, keep: u32) -> vec3<u32> {
  let b = bit_length(v);
  if (b <= keep) { return v; }
  let p = b - keep;
  let half = bit_at(v, p - 1u);
  let sticky = (v.x & low_mask(p - 1u, 0u)) | (v.y & low_mask(p - 1u, 1u)) | (v.z & low_mask(p - 1u, 2u));
  var out = vec3<u32>(v.x & ~low_mask(p, 0u), v.y & ~low_mask(p, 1u), v.z & ~low_mask(p, 2u));
  if (half == 1u && (sticky != 0u || bit_at(v, p) == 1u)) {
    // Add 2^p with carry.
    var add = vec3<u32>(0u);
    add[p >> 5u] = 1u << (p & 31u);
    let x = out.x + add.x;
    let cx = select(0u, 1u, x < out.x);
    let y = out.y + add.y + cx;
    let cy = select(0u, 1u, y < out.y || (cx == 1u && y == out.y));
    out = vec3<u32>(x, y, out.z + add.z + cy);
  }
  return out;
}

// The exact path: three roundings of the 96-bit product.
fn exact_bf16_magnitude(m: vec3<u32>) -> u32 {
  let r = round_keep(round_keep(round_keep(m, 53u), 24u), 8u);
  let b = bit_length(r);
  let s = b - 8u;
  var w = r;
  let word = s >> 5u;
  let off = s & 31u;
  var mant = w[word] >> off;
  if (off != 0u && word < 2u) { mant = mant | (w[word + 1u] << (32u - off)); }
  let exponent = u32(i32(b) - 1 + params.exp_base + 127);
  return (exponent << 7u) | (mant & 0x7fu);
}

fn hash_bf16(i: u32) -> u32 {
  let u = mix32(mix32(i + params.key) ^ params.key);
  let a = u >> 8u;
  // n = 2a + 1 − 2^24: negative when a < 2^23.
  let negative = a < 0x800000u;
  let n = select(2u * a + 1u - 0x1000000u, 0x1000000u - 2u * a - 1u, negative);
  let lo = mul_wide(n, params.a_lo);
  let hi = mul_wide(n, params.a_hi);
  let w1 = lo.y + hi.x;
  let m = vec3<u32>(lo.x, w1, hi.y + select(0u, 1u, w1 < lo.y));
  // Fast path: the top 32 bits of m. The f64 rounding moves m by at most 2^-29 of an f32 ulp, so it can change
  // the f32 rounding only when the 8 bits below the f32 mantissa are 0x7f or 0x80 (then take the exact path);
  // otherwise round to 24 bits directly, then to bf16 on the f32 bits (a mantissa carry runs into the exponent).
  let b = bit_length(m);
  let s = b - 32u; // b is 53 … 77, so the top word pair is (x, y) or (y, z)
  let off = s & 31u;
  let low_word = select(m.x, m.y, s >= 32u);
  let high_word = select(m.y, m.z, s >= 32u);
  let top = select((low_word >> off) | (high_word << (32u - off)), low_word, off == 0u);
  let low8 = top & 0xffu;
  var magnitude: u32;
  if (low8 == 0x7fu || low8 == 0x80u) {
    magnitude = exact_bf16_magnitude(m);
  } else {
    let mant24 = (top >> 8u) + select(0u, 1u, low8 > 0x80u);
    let f32_bits = (u32(i32(b) - 1 + params.exp_base + 127) << 23u) + mant24 - 0x800000u;
    magnitude = (f32_bits + 0x7fffu + ((f32_bits >> 16u) & 1u)) >> 16u;
  }
  return select(0u, 0x8000u, negative) | magnitude;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = linear_workgroup(wid, nwg) * WG + lid;
  if (t >= params.words) { return; }
  let e = 2u * t;
  let low = hash_bf16(params.elem0 + e);
  var high = 0u;
  if (e + 1u < params.count) { high = hash_bf16(params.elem0 + e + 1u); }
  dst[params.word0 + t] = low | (high << 16u);
}
