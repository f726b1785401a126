// Plain buffer copy, the bandwidth reference of the benchmark (bytes read + written per second): dst[i] = src[i].
// Bindings: src array<vec4<u32>> [n4], dst array<vec4<u32>> [n4], params { n4 }.
// Invocation t copies vec4 t (16 B; consecutive invocations, consecutive addresses); grid linear over ceil(n4/256).
#include "common/grid.wgsl"

struct Params { n4: u32 }

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> src: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = linear_workgroup(wid, nwg) * WG + lid;
  if (t < params.n4) { dst[t] = src[t]; }
}
