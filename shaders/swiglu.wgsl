// SwiGLU: out[m, i] = silu(gate[m, i]) · up[m, i], silu(g) = g / (1 + exp(−g)), for m < M, i < I.
// gate and up are read through (offset, row stride) in vec4 units, so they can be two buffers [M, I] or the two
// halves of one fused projection output [M, 2I] (gate = columns [0, I), up = [I, 2I)); `up` may be the same
// buffer as `gate` (both read-only).
// Bindings: gate, up array<vec4<f32>>; out array<vec4<f32>> [M][I/4] (must not alias them);
//   params { m, i4 = I/4, gate_off4, gate_stride4, up_off4, up_stride4 }.
// Invocation t computes vec4 t of out (row t / i4); grid linear over ceil(M·i4 / 256). f32 throughout.
#include "common/grid.wgsl"

struct Params { m: u32, i4: u32, gate_off4: u32, gate_stride4: u32, up_off4: u32, up_stride4: u32 }

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> gate: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> up: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = linear_workgroup(wid, nwg) * WG + lid;
  if (t >= params.m * params.i4) { return; }
  let row = t / params.i4;
  let c = t % params.i4;
  let g = gate[params.gate_off4 + row * params.gate_stride4 + c];
  let u = up[params.up_off4 + row * params.up_stride4 + c];
  out[t] = g / (vec4<f32>(1.0) + exp(-g)) * u;
}
