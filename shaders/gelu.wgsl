// Exact (erf) GELU, as torch.nn.GELU() in the vision merger: y = x · Φ(x) = x/2 · erfc(−x/√2).
// The erfc form keeps relative accuracy for negative x, where x/2·(1 + erf(x/√2)) would cancel.
// Accuracy: relative error ≲ 1e-6 for |x| ≤ 12 (measured on SwiftShader; see activations.gpu.test.ts).
// Bindings: x array<vec4<f32>> [n/4] (read_write when IN_PLACE, then also the output), y array<vec4<f32>> [n/4]
// (when !IN_PLACE), params { n4 }. Invocation i computes vec4 i; grid linear over ceil(n4 / 256). f32 throughout.
#include "common/grid.wgsl"
#include "common/erf.wgsl"

struct Params { n4: u32 }

const WG: u32 = 256u;

#if IN_PLACE
@group(0) @binding(0) var<storage, read_write> x: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: Params;
#else
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: Params;
@group(0) @binding(2) var<storage, read_write> y: array<vec4<f32>>;
#endif

// Φ(v) = erfc(−v/√2) / 2 with (v/√2)² = v²/2 formed from v directly (exact high part), not from the rounded v/√2.
fn gelu(v: f32) -> f32 {
  let vh = high12(v);
  let e = erfc_nonneg_split(abs(v) * 0.70710678118654752, vh * vh * 0.5, (v - vh) * (v + vh) * 0.5);
  return 0.5 * v * select(e, 2.0 - e, v > 0.0);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_workgroup(wid, nwg) * WG + lid;
  if (i >= params.n4) { return; }
  let v = x[i];
  let r = vec4<f32>(gelu(v.x), gelu(v.y), gelu(v.z), gelu(v.w));
#if IN_PLACE
  x[i] = r;
#else
  y[i] = r;
#endif
}
