// Optional bias element n for the linear kernels. Defines: HAS_BIAS; then BIAS_F32, or BIAS_BF16, else f16.
// The including file declares `bias: array<u32>` when HAS_BIAS (f32 stored as bits, 16-bit packed two per word).
#include "common/packed16.wgsl"

fn bias_value(n: u32) -> f32 {
#if HAS_BIAS
#if BIAS_F32
  return bitcast<f32>(bias[n]);
#elif BIAS_BF16
  return bf16_pair(bias[n >> 1u])[n & 1u];
#else
  return f16_pair(bias[n >> 1u])[n & 1u];
#endif
#else
  return 0.0;
#endif
}
