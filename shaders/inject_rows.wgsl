// Video-row injection (masked scatter): out[m, :] = features[ordinal[m], :] for every row whose ordinal is not
// NO_ROW (0xffffffff); other rows are untouched. The ordinals — the running count of <|video_pad|> ids — are
// computed on the CPU from the ids (embed.ts: videoRowOrdinals). An ordinal past the feature rows writes NaN.
// Bindings: ordinals array<u32> [M]; features array<vec4<f32>> [F][K/4]; out array<vec4<f32>> [M][K/4];
//   params { m, k4, feature_rows, nan_bits = 0x7fc00000 (a runtime NaN: WGSL rejects constant NaN) }.
// Invocations: one workgroup of 64 per row (grid linear over M), invocation i copies vec4 units i, i + 64, ….
#include "common/grid.wgsl"

struct Params { m: u32, k4: u32, feature_rows: u32, nan_bits: u32 }

const WG: u32 = 64u;
const NO_ROW: u32 = 0xffffffffu;

@group(0) @binding(0) var<storage, read> ordinals: array<u32>;
@group(0) @binding(1) var<storage, read> features: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let m = linear_workgroup(wid, nwg);
  if (m >= params.m) { return; }
  let o = ordinals[m];
  if (o == NO_ROW) { return; }
  let ok = o < params.feature_rows;
  for (var u = lid; u < params.k4; u += WG) {
    out[m * params.k4 + u] = select(vec4<f32>(bitcast<f32>(params.nan_bits)), features[min(o, params.feature_rows - 1u) * params.k4 + u], ok);
  }
}
