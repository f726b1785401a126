// q4 decoding (ARCHITECTURE.md §4). Element 8k+j of a row is the unsigned nibble q+8 in bits 4j..4j+3 of word k;
// scales are f16 bits two per u32 (flat group index g in word g>>1, low half first).
// Scales are widened by bit manipulation rather than unpack2x16float so that subnormal scales stay exact on
// GPUs that flush f16 subnormals (the dequantized weight must be exactly q·d).

// Signed values q of elements 0..3 and 4..7 of one word.
fn q4_lo(word: u32) -> vec4<f32> {
  return vec4<f32>((vec4<u32>(word) >> vec4<u32>(0u, 4u, 8u, 12u)) & vec4<u32>(15u)) - vec4<f32>(8.0);
}

fn q4_hi(word: u32) -> vec4<f32> {
  return vec4<f32>((vec4<u32>(word) >> vec4<u32>(16u, 20u, 24u, 28u)) & vec4<u32>(15u)) - vec4<f32>(8.0);
}

// Exact f16 bits → f32 for finite values (normal and subnormal); scales are never inf/NaN (the quantizer rejects them).
fn f16_bits_to_f32(h: u32) -> f32 {
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  let normal = bitcast<f32>(((e + 112u) << 23u) | (m << 13u));
  let mag = select(normal, f32(m) * 5.9604644775390625e-8, e == 0u);
  return select(mag, -mag, (h & 0x8000u) != 0u);
}

// Scale of flat group g from the packed scale word that holds it.
fn q4_scale(word: u32, g: u32) -> f32 {
  return f16_bits_to_f32(select(word & 0xffffu, word >> 16u, (g & 1u) == 1u));
}
