// Quantized matrix-vector product for one row chunk of W (decode, M = 1), q4 or (#if Q8) q8:
//   y[n0 + n] = sum_k x[k] · (q[n, k] · d[n, k / 32]) + bias[n0 + n]    for n in [0, params.rows)
// Bindings:
//   x       array<vec4<f32>>: the activation row starts at vec4 index params.x_vec4_0; K = 32 · groups
//   qweight array<vec4<u32>> q4: [rows][groups], one vec4 (32 nibbles) per group           (ARCHITECTURE.md §4)
//                            q8: [rows][groups][2], two vec4 (32 int8 codes) per group    (docs/model.md §6.3)
//   scales  array<u32> f16 bits, two per word, flat index n * groups + g
//   y       array<f32>: written at params.n0 + n
//   bias    array<u32> (HAS_BIAS): f32 bits or 16-bit packed, element params.n0 + n (common/bias.wgsl)
// Invocations: a team of lanes owns 4 rows; lane l handles groups l, l + lanes, … reading the group's codes of
// each row (one vec4<u32> for q4, two for q8; coalesced across lanes) and its 32 x values once for all 4 rows.
//   default:    teams of TPR invocations, partials reduced in workgroup memory (common/matvec_reduce.wgsl)
//   SUBGROUPS:  a team is one subgroup of whatever size the device runs (never assumed): subgroup s takes the
//               workgroup's four-row slots s, s + num_subgroups, … < SLOTS and reduces with subgroupAdd (no
//               barriers, no workgroup memory). Needs the `subgroup_id` builtin.
// Accumulation: f32; per group sum_j q_j·x_j in f32, scaled by d, summed over the lane's groups, then across lanes
// (in lane order, or by subgroupAdd). Grid: linear over ceil(rows / rows-per-workgroup) (common/grid.wgsl).
#if SUBGROUPS
enable subgroups;
requires subgroup_id;
// Subgroup ops below run under a subgroup-uniform condition (the slot loop over subgroup_id), which the
// workgroup-scope uniformity analysis cannot see.
diagnostic(off, subgroup_uniformity);
#endif
#include "common/grid.wgsl"
#if Q8
#include "common/q8.wgsl"
#else
#include "common/q4.wgsl"
#endif
#include "common/bias.wgsl"
#if !SUBGROUPS
#include "common/matvec_reduce.wgsl"
#endif

struct Params { rows: u32, groups: u32, x_vec4_0: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> qweight: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> scales: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;
#if HAS_BIAS
@group(0) @binding(5) var<storage, read> bias: array<u32>;
#endif

// sum_j q_j·x_j over group `flat` (row n · groups + g) of the weight.
#if Q8
fn group_dot(flat: u32, xv: array<vec4<f32>, 8>) -> f32 {
  let a = qweight[2u * flat];
  let b = qweight[2u * flat + 1u];
  return dot(q8_unpack(a.x), xv[0]) + dot(q8_unpack(a.y), xv[1]) + dot(q8_unpack(a.z), xv[2])
       + dot(q8_unpack(a.w), xv[3]) + dot(q8_unpack(b.x), xv[4]) + dot(q8_unpack(b.y), xv[5])
       + dot(q8_unpack(b.z), xv[6]) + dot(q8_unpack(b.w), xv[7]);
}
#else
fn group_dot(flat: u32, xv: array<vec4<f32>, 8>) -> f32 {
  let w = qweight[flat];
  return dot(q4_lo(w.x), xv[0]) + dot(q4_hi(w.x), xv[1]) + dot(q4_lo(w.y), xv[2]) + dot(q4_hi(w.y), xv[3])
       + dot(q4_lo(w.z), xv[4]) + dot(q4_hi(w.z), xv[5]) + dot(q4_lo(w.w), xv[6]) + dot(q4_hi(w.w), xv[7]);
}
#endif

// Adds this lane's share of groups lane, lane + lanes, … for the 4 rows from team_row.
fn accumulate(team_row: u32, lane: u32, lanes: u32) -> array<f32, 4> {
  let groups = params.groups;
  var acc = array<f32, 4>(0.0, 0.0, 0.0, 0.0);
  for (var g = lane; g < groups; g += lanes) {
    var xv: array<vec4<f32>, 8>;
    for (var j = 0u; j < 8u; j++) { xv[j] = x[params.x_vec4_0 + g * 8u + j]; }
    for (var r = 0u; r < 4u; r++) {
      let n = team_row + r;
      if (n < params.rows) {
        let flat = n * groups + g;
        acc[r] += q4_scale(scales[flat >> 1u], flat) * group_dot(flat, xv);
      }
    }
  }
  return acc;
}

#if SUBGROUPS
override SLOTS: u32 = 8;  // four-row slots per workgroup

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) lanes: u32,
        @builtin(subgroup_id) sid: u32, @builtin(num_subgroups) nsg: u32) {
  let row0 = linear_workgroup(wid, nwg) * SLOTS * 4u;
  for (var slot = sid; slot < SLOTS; slot += nsg) {
    let team_row = row0 + slot * 4u;
    if (team_row >= params.rows) { break; }  // later slots are further past the end
    let acc = accumulate(team_row, lane, lanes);
    for (var r = 0u; r < 4u; r++) {
      let sum = subgroupAdd(acc[r]);
      let n = team_row + r;
      if (lane == 0u && n < params.rows) { y[params.n0 + n] = sum + bias_value(params.n0 + n); }
    }
  }
}
#else
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rows_per_wg = (MV_WG / TPR) * MV_ROWS;
  let row0 = linear_workgroup(wid, nwg) * rows_per_wg;  // uniform: past-the-end workgroups fall through to no-ops
  let acc = accumulate(row0 + (lid / TPR) * MV_ROWS, lid % TPR, TPR);
  mv_store(lid, acc);
  for (var slot = lid; slot < rows_per_wg; slot += MV_WG) {
    let n = row0 + slot;
    if (n < params.rows) { y[params.n0 + n] = mv_row_sum(slot) + bias_value(params.n0 + n); }
  }
}
#endif
