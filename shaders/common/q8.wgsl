// q8 decoding (docs/model.md §6.3). Element 4k+j of a row is q's two's-complement byte in bits 8j..8j+7
// of word k; scales are f16 bits two per u32, laid out as q4's (common/q4.wgsl: f16_bits_to_f32, q4_scale).
#include "common/q4.wgsl"

// Signed values q of the word's four bytes (sign-extended by an arithmetic shift).
fn q8_unpack(word: u32) -> vec4<f32> {
  return vec4<f32>(bitcast<vec4<i32>>(vec4<u32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u));
}
