// 16-bit matrix-vector product for one row chunk of W (M = 1; e.g. the unquantized lm_head):
//   y[n0 + n] = sum_k x[k] · W[n, k] + bias[n0 + n]    for n in [0, params.rows)
// Bindings:
//   x      array<vec4<f32>>: the activation row starts at vec4 index params.x_vec4_0; K = 4 · units
//   w      array<vec2<u32>> [rows][units]: 4 bf16 (W_BF16) or f16 values per vec2, packed low half first
//   y      array<f32>: written at params.n0 + n
//   bias   array<u32> (HAS_BIAS): element params.n0 + n (common/bias.wgsl)
// Invocations: common/matvec_reduce.wgsl — a team of TPR lanes owns 4 rows; lane l handles 4-element units
// l, l + TPR, … (coalesced 8-byte loads) and reuses each x vec4 for the 4 rows.
// Accumulation: f32, lane partials summed in lane order. Grid: linear over ceil(rows / rows-per-workgroup).
#include "common/grid.wgsl"
#include "common/packed16.wgsl"
#include "common/widen4.wgsl"
#include "common/bias.wgsl"
#include "common/matvec_reduce.wgsl"

struct Params { rows: u32, units: u32, x_vec4_0: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
#if HAS_BIAS
@group(0) @binding(4) var<storage, read> bias: array<u32>;
#endif


@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rows_per_wg = (MV_WG / TPR) * MV_ROWS;
  let row0 = linear_workgroup(wid, nwg) * rows_per_wg;
  let team_row = row0 + (lid / TPR) * MV_ROWS;
  let lane = lid % TPR;
  let units = params.units;

  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var u = lane; u < units; u += TPR) {
    let xv = x[params.x_vec4_0 + u];
    for (var r = 0u; r < MV_ROWS; r++) {
      let n = team_row + r;
      if (n < params.rows) { acc[r] += dot(widen4(w[n * units + u]), xv); }
    }
  }

  mv_store(lid, acc);
  for (var slot = lid; slot < rows_per_wg; slot += MV_WG) {
    let n = row0 + slot;
    if (n < params.rows) { y[params.n0 + n] = mv_row_sum(slot) + bias_value(params.n0 + n); }
  }
}
