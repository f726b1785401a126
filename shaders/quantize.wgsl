// q4 or (#if Q8) q8 quantization of whole rows (ARCHITECTURE.md §4, docs/model.md §6.3), one invocation per group
// of 32 consecutive elements. B = 4 or 8 code bits:
//   m   = the element of largest |w| (first on ties), compared as integer magnitude bits (exact, no flushing)
//   d   = f16_rne(m / -2^(B-1))  (computed on bits: the division only lowers the exponent by B − 1)
//   q_i = clamp(roundHalfEven(w_i / d), -2^(B-1), 2^(B-1) − 1), 0 if d == 0; decided by exact comparisons against
//         (k ± 0.5)·|d|, which are exact in f32 (|d| has 11 significant bits, k ± 0.5 at most nine)
//   codes: q4 nibbles q + 8, 8 per word, low nibble first; q8 two's-complement bytes, 4 per word, low byte first
// Bindings:
//   src     array<u32>: the source rows, bf16/f16 packed two per word (SRC_BF16 / SRC_F16) or f32 bits (SRC_F32);
//           this dispatch's first group starts at element params.src_elem0
//   qweight array<vec4<u32>> [chunk rows * groups * B / 4]: B / 4 vec4 per group (one for q4, two for q8)
//   scales  array<atomic<u32>> f16 bits two per word; each invocation sets only its own half (groups of one word
//           may be written by different invocations or dispatches when groups per row is odd)
//   status  array<atomic<u32>, 2>: [0] |= 1 non-finite input, 2 scale overflow; [1] = min bad global row
//   params  { groups: groups in this dispatch, dst_group0: first flat group in the chunk, src_elem0,
//             groups_per_row, row_base: global row of this dispatch's first group }
// Accumulation: none (comparisons only). Grid: linear over ceil(groups / WG).
#include "common/grid.wgsl"
#include "common/q4.wgsl"
#include "common/f16_round.wgsl"

#if Q8
const B: u32 = 8u;
// The clamped integer k as a two's-complement byte.
fn code(k: f32) -> u32 { return bitcast<u32>(i32(k)) & 0xffu; }
#else
const B: u32 = 4u;
// The clamped integer k as a nibble q + 8.
fn code(k: f32) -> u32 { return u32(i32(k) + 8); }
#endif
const PER_WORD: u32 = 32u / B;     // codes per u32
const QMAX: f32 = f32((1u << (B - 1u)) - 1u);

struct Params { groups: u32, dst_group0: u32, src_elem0: u32, groups_per_row: u32, row_base: u32 }

override WG: u32 = 64;

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> qweight: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> scales: array<atomic<u32>>;
@group(0) @binding(3) var<storage, read_write> status: array<atomic<u32>, 2>;
@group(0) @binding(4) var<uniform> params: Params;

// Element i of this dispatch's source as f32 bits, and whether it is finite (checked on the stored bits).
fn load_bits(i: u32) -> vec2<u32> {
  let e = params.src_elem0 + i;
#if SRC_F32
  let b = src[e];
  return vec2<u32>(b, select(1u, 0u, (b & 0x7f800000u) == 0x7f800000u));
#elif SRC_BF16
  let h = (src[e >> 1u] >> (16u * (e & 1u))) & 0xffffu;
  return vec2<u32>(h << 16u, select(1u, 0u, (h & 0x7f80u) == 0x7f80u));
#else
  let h = (src[e >> 1u] >> (16u * (e & 1u))) & 0xffffu;
  return vec2<u32>(bitcast<u32>(f16_bits_to_f32(h)), select(1u, 0u, (h & 0x7c00u) == 0x7c00u));
#endif
}

// roundHalfEven(w / d) clamped to [-QMAX − 1, QMAX], for d = sd·ad with sd = ±1, ad > 0: equals
// roundHalfEven((sd·w) / ad).
fn quantize_one(w: f32, sd: f32, ad: f32) -> f32 {
  let t = sd * w;
  var k = floor(t / ad + 0.5);                 // within ±1 of the exact result; fixed up exactly below
  let odd = abs(k % 2.0) == 1.0;
  let lo = (k - 0.5) * ad;
  let hi = (k + 0.5) * ad;
  if (t < lo || (t == lo && odd)) { k -= 1.0; }
  else if (t > hi || (t == hi && odd)) { k += 1.0; }
  return clamp(k, -QMAX - 1.0, QMAX);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let f = linear_workgroup(wid, nwg) * WG + lid;
  if (f >= params.groups) { return; }
  var bits: array<u32, 32>;
  var finite = 1u;
  var best = 0u;
  for (var i = 0u; i < 32u; i++) {
    let b = load_bits(f * 32u + i);
    bits[i] = b.x;
    finite &= b.y;
    if ((b.x & 0x7fffffffu) > (bits[best] & 0x7fffffffu)) { best = i; }
  }
  let m = bits[best];
  let ma = m & 0x7fffffffu;
  // |m| / 2^(B-1) on bits; below 2^(B − 127) the result rounds to f16 zero anyway.
  let mag = f16_rne_magnitude(select(0u, ma - ((B - 1u) << 23u), ma >= (B << 23u)));
  let d_bits = mag | (((m >> 16u) & 0x8000u) ^ 0x8000u);  // m / -2^(B-1) has the opposite sign of m
  let overflow = mag >= 0x7c00u;
  let usable = mag != 0u && !overflow;
  let ad = abs(f16_bits_to_f32(d_bits));
  let sd = select(1.0, -1.0, (d_bits & 0x8000u) != 0u);

  var words: array<u32, B>;                    // 32 codes of B bits
  for (var i = 0u; i < 32u; i++) {
    var k = 0.0;                               // q = 0 everywhere unless the scale is usable
    if (usable) { k = quantize_one(bitcast<f32>(bits[i]), sd, ad); }
    words[i / PER_WORD] |= code(k) << (B * (i % PER_WORD));
  }
  let g = params.dst_group0 + f;
  for (var c = 0u; c < B / 4u; c++) {
    qweight[g * (B / 4u) + c] = vec4<u32>(words[4u * c], words[4u * c + 1u], words[4u * c + 2u], words[4u * c + 3u]);
  }
  let shift = 16u * (g & 1u);
  atomicAnd(&scales[g >> 1u], ~(0xffffu << shift));
  atomicOr(&scales[g >> 1u], d_bits << shift);

  if (finite == 0u || overflow) {
    atomicOr(&status[0], select(0u, 1u, finite == 0u) | select(0u, 2u, overflow));
    atomicMin(&status[1], params.row_base + f / params.groups_per_row);
  }
}
