// RMSNorm (Qwen2RMSNorm in f32): y[m, :] = (x[m, :] · (1 / sqrt(mean_k x[m, k]² + eps))) · w
// RESIDUAL: first h[m, :] += delta[m, :] (written back to h), then y = RMSNorm(h) of the updated row — one pass
// over the residual stream instead of two in decode.
// Bindings:
//   x      array<vec4<f32>> [M][K] (read; under RESIDUAL it is h, read_write)
//   delta  array<vec4<f32>> [M][K] (RESIDUAL only)
//   w      [K]: bf16 (W_BF16) / f16 packed as array<vec2<u32>> (4 values per vec2), or f32 (W_F32) as array<vec4<f32>>
//   y      array<vec4<f32>> [M][K] (must not alias x or delta)
//   params { k4 = K / 4, eps }
// Invocations: one workgroup of 256 per row (grid linear over M); invocation i handles vec4 units i, i + 256, ….
// Accumulation: f32 sum of squares per invocation, then a fixed-order tree over the workgroup (deterministic).
#include "common/grid.wgsl"
#include "common/packed16.wgsl"

struct Params { k4: u32, eps: f32, rows: u32 }

const WG: u32 = 256u;

#if RESIDUAL
@group(0) @binding(0) var<storage, read_write> x: array<vec4<f32>>;
#else
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
#endif
#if W_F32
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
#else
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
#endif
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;
#if RESIDUAL
@group(0) @binding(4) var<storage, read> delta: array<vec4<f32>>;
#endif

var<workgroup> partial: array<f32, WG>;

fn weight4(u: u32) -> vec4<f32> {
#if W_F32
  return w[u];
#elif W_BF16
  let p = w[u];
  return vec4<f32>(bf16_pair(p.x), bf16_pair(p.y));
#else
  let p = w[u];
  return vec4<f32>(f16_pair(p.x), f16_pair(p.y));
#endif
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = linear_workgroup(wid, nwg);
  if (row >= params.rows) { return; }  // uniform across the workgroup
  let base = row * params.k4;
  var ss = 0.0;
  for (var u = lid; u < params.k4; u += WG) {
#if RESIDUAL
    let v = x[base + u] + delta[base + u];
    x[base + u] = v;
#else
    let v = x[base + u];
#endif
    ss += dot(v, v);
  }
  partial[lid] = ss;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let inv = 1.0 / sqrt(partial[0] / f32(params.k4 * 4u) + params.eps);
  for (var u = lid; u < params.k4; u += WG) {
    y[base + u] = (x[base + u] * inv) * weight4(u);
  }
}
