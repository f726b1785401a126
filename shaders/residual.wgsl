// Residual add: out[i] = a[i] + b[i], f32 (the residual stream stays f32: Qwen2 activations have outliers).
// Bindings: a [n] f32, b [n] f32, out [n] f32 (may alias neither), params { n }.
// Each invocation computes one element; the grid is linear (see common/grid.wgsl).
#include "common/grid.wgsl"

struct Params { n: u32 }

override WG: u32 = 256;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_workgroup(wid, nwg) * WG + lid;
  if (i >= params.n) { return; }
  out[i] = a[i] + b[i];
}
