// Exact float32 fused multiply-add in integer arithmetic:
//   exact_fma(a, b, c) = round_to_nearest_even_f32(a·b + c), one rounding, on f32 bit patterns (finite inputs,
//   subnormals included; an exactly cancelling sum gives +0).
// Why integers: ATen's CPU resize, which produced every frame Video-R2 saw, is compiled with `acc += x·w`
// contracted to FMA (x86-64 AVX2/AVX-512, aarch64). WGSL's fma() may or may not fuse (SwiftShader does not), and
// drivers may or may not contract a·b + c themselves, so float code cannot give the same bits on every GPU.
// Integer operations are exact everywhere.
// Representation: a 64-bit significand as vec2<u32>(hi, lo) and the exponent of its least significant bit.

struct Unpacked { m: u32, e: i32 }

fn f32_unpack(bits: u32) -> Unpacked {
  let ef = (bits >> 23u) & 0xffu;
  let f = bits & 0x7fffffu;
  if (ef == 0u) { return Unpacked(f, -149); }
  return Unpacked(f | 0x800000u, i32(ef) - 150);
}

fn u64_clz(x: vec2<u32>) -> u32 {
  if (x.x != 0u) { return countLeadingZeros(x.x); }
  return 32u + countLeadingZeros(x.y);
}

// n < 64 (WGSL takes shift amounts mod 32, so every case is spelled out).
fn u64_shl(x: vec2<u32>, n: u32) -> vec2<u32> {
  if (n == 0u) { return x; }
  if (n >= 32u) { return vec2<u32>(x.y << (n - 32u), 0u); }
  return vec2<u32>((x.x << n) | (x.y >> (32u - n)), x.y << n);
}

// Shift right, OR-ing everything shifted out into bit 0 so the final rounding still sees it ("jamming").
fn u64_shr_jam(x: vec2<u32>, n: u32) -> vec2<u32> {
  if (n == 0u) { return x; }
  if (n >= 64u) { return vec2<u32>(0u, select(0u, 1u, (x.x | x.y) != 0u)); }
  if (n >= 32u) {
    let m = n - 32u;
    var lost = x.y != 0u;
    if (m != 0u) { lost = lost || (x.x << (32u - m)) != 0u; }
    return vec2<u32>(0u, (x.x >> m) | select(0u, 1u, lost));
  }
  let lost = (x.y << (32u - n)) != 0u;
  return vec2<u32>(x.x >> n, (x.y >> n) | (x.x << (32u - n)) | select(0u, 1u, lost));
}

fn u64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.y + b.y;
  return vec2<u32>(a.x + b.x + select(0u, 1u, lo < a.y), lo);
}

// a ≥ b.
fn u64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  return vec2<u32>(a.x - b.x - select(0u, 1u, a.y < b.y), a.y - b.y);
}

fn u64_less(a: vec2<u32>, b: vec2<u32>) -> bool {
  return a.x < b.x || (a.x == b.x && a.y < b.y);
}

#include "common/mul_wide.wgsl"

// Rounds sign · r · 2^e (r ≠ 0) to the nearest f32, ties to even, with subnormal and overflow results.
fn f32_round_pack(sign: u32, r: vec2<u32>, e: i32) -> u32 {
  let lz = u64_clz(r);
  let n = u64_shl(r, lz); // top bit set: value = n · 2^(e − lz)
  var sig = n.x | select(0u, 1u, n.y != 0u); // 24 significant bits + 8 rounding bits (jammed)
  var ef = e - i32(lz) + 190; // biased exponent once sig is cut to its top 24 bits
  if (ef >= 255) { return sign | 0x7f800000u; }
  if (ef <= 0) {
    let k = u32(1 - ef);
    if (k >= 32u) { sig = select(0u, 1u, sig != 0u); } else { sig = (sig >> k) | select(0u, 1u, (sig << (32u - k)) != 0u); }
    ef = 1;
  }
  let rest = sig & 0xffu;
  var m = sig >> 8u;
  if (rest > 0x80u || (rest == 0x80u && (m & 1u) == 1u)) { m += 1u; }
  // The hidden bit of m adds 1 to the exponent field; a rounding carry to 2^24 moves on to the next binade.
  return sign | ((u32(ef - 1) << 23u) + m);
}

// round_f32(sp · pm · 2^pe + c): the product is exact (pm < 2^48), c is f32 bits.
fn fma_core(sp: u32, pm: vec2<u32>, pe: i32, c: u32) -> u32 {
  if ((pm.x | pm.y) == 0u) { return c; }
  let cu = f32_unpack(c);
  if (cu.m == 0u) { return f32_round_pack(sp, pm, pe); }
  let sc = c & 0x80000000u;
  // Both significands to a common frame with the top bit at 62 (bit 63 left for the carry of an addition).
  let lp = u64_clz(pm) - 1u;
  let lc = u64_clz(vec2<u32>(0u, cu.m)) - 1u;
  let p = u64_shl(pm, lp);
  let q = u64_shl(vec2<u32>(0u, cu.m), lc);
  let ep = pe - i32(lp);
  let ec = cu.e - i32(lc);
  var big = p;
  var small = q;
  var eb = ep;
  var es = ec;
  var sb = sp;
  var ss = sc;
  if (ec > ep || (ec == ep && u64_less(p, q))) {
    big = q;
    small = p;
    eb = ec;
    es = ep;
    sb = sc;
    ss = sp;
  }
  // Both frames have ≥ 15 trailing zero bits, so shifts below 15 lose nothing, and when bits are lost the
  // difference keeps its top bit at ≥ 61: the jammed bit 0 then decides only ties, as it must.
  small = u64_shr_jam(small, u32(eb - es));
  var r: vec2<u32>;
  if (sb == ss) { r = u64_add(big, small); } else { r = u64_sub(big, small); }
  if ((r.x | r.y) == 0u) { return 0u; }
  return f32_round_pack(sb, r, eb);
}

/** exact_fma on f32 bit patterns. */
fn exact_fma(a: u32, b: u32, c: u32) -> u32 {
  let ua = f32_unpack(a);
  let ub = f32_unpack(b);
  return fma_core((a ^ b) & 0x80000000u, mul_wide(ua.m, ub.m).yx, ua.e + ub.e, c);
}

/** exact_fma with `a` an integer in [0, 255] (a uint8 sample): the product fits 32 bits. */
fn exact_fma_u8(a: u32, b: u32, c: u32) -> u32 {
  let ub = f32_unpack(b);
  return fma_core(b & 0x80000000u, vec2<u32>(0u, a * ub.m), ub.e, c);
}
