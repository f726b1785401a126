// Four 16-bit weights (two packed u32) widened to f32; the format is the W_BF16 define (bf16, else f16).
#include "common/packed16.wgsl"

fn widen4(p: vec2<u32>) -> vec4<f32> {
#if W_BF16
  return vec4<f32>(bf16_pair(p.x), bf16_pair(p.y));
#else
  return vec4<f32>(f16_pair(p.x), f16_pair(p.y));
#endif
}
