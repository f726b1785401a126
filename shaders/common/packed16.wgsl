// Readers for 16-bit values packed two per u32 (element 2k in the low half of word k, 2k+1 in the high half).
// bf16 widens exactly by a shift; f16 goes through unpack2x16float (core WGSL, no shader-f16 needed).

fn bf16_pair(word: u32) -> vec2<f32> {
  return vec2<f32>(bitcast<f32>(word << 16u), bitcast<f32>(word & 0xffff0000u));
}

fn f16_pair(word: u32) -> vec2<f32> {
  return unpack2x16float(word);
}
