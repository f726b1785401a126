// Embedding gather from one row chunk of the table: out[m, :] = table[ids[m], :] (dequantized / widened to f32)
// for the ids in this chunk's rows [row0, row0 + rows); other ids are left to the other chunks' dispatches.
// An id past the whole table (≥ total_rows) gets a NaN row from the dispatch with params.first = 1, so a bad id
// is loud downstream instead of leaving stale values.
// Bindings:
//   ids     array<u32> [M]
//   Q4:     qweight array<u32> [rows][K/8], scales array<u32> f16 bits two per word (ARCHITECTURE.md §4)
//   Q8:     qweight array<u32> [rows][K/4] int8 codes, scales as q4 (docs/model.md §6.3)
//   16-bit: w array<vec2<u32>> [rows][K/4], bf16 (W_BF16) or f16
//   out     array<vec4<f32>> [M][K/4]
//   params  { m, k, row0, rows, total_rows, first, nan_bits = 0x7fc00000 (a runtime NaN: WGSL rejects constant NaN) }
// Invocations: one workgroup of 64 per token row (grid linear over M); q4: invocation i expands words i, i + 64, …
// (8 values each); q8: words i, i + 64, … (4 values each); 16-bit: 4-value units i, i + 64, …. Exact: q·d or the widened 16-bit value.
#include "common/grid.wgsl"
#include "common/q4.wgsl"
#include "common/q8.wgsl"
#include "common/packed16.wgsl"

struct Params { m: u32, k: u32, row0: u32, rows: u32, total_rows: u32, first: u32, nan_bits: u32 }

const WG: u32 = 64u;

@group(0) @binding(0) var<storage, read> ids: array<u32>;
@group(0) @binding(1) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> params: Params;
#if Q4
@group(0) @binding(3) var<storage, read> qweight: array<u32>;
@group(0) @binding(4) var<storage, read> scales: array<u32>;
#elif Q8
@group(0) @binding(3) var<storage, read> qweight: array<u32>;
@group(0) @binding(4) var<storage, read> scales: array<u32>;
#else
@group(0) @binding(3) var<storage, read> w: array<vec2<u32>>;
#endif

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let m = linear_workgroup(wid, nwg);
  if (m >= params.m) { return; }
  let id = ids[m];
  let k4 = params.k / 4u;
  if (id >= params.total_rows) {
    if (params.first == 1u) {
      for (var u = lid; u < k4; u += WG) { out[m * k4 + u] = vec4<f32>(bitcast<f32>(params.nan_bits)); }
    }
    return;
  }
  if (id < params.row0 || id >= params.row0 + params.rows) { return; }
  let r = id - params.row0;
#if Q4
  let words = params.k / 8u;
  let groups = params.k / 32u;
  for (var j = lid; j < words; j += WG) {
    let flat = r * groups + j / 4u;
    let d = q4_scale(scales[flat >> 1u], flat);
    let word = qweight[r * words + j];
    out[m * k4 + 2u * j] = q4_lo(word) * d;
    out[m * k4 + 2u * j + 1u] = q4_hi(word) * d;
  }
#elif Q8
  let groups = params.k / 32u;
  for (var j = lid; j < k4; j += WG) {
    let flat = r * groups + j / 8u;
    out[m * k4 + j] = q8_unpack(qweight[r * k4 + j]) * q4_scale(scales[flat >> 1u], flat);
  }
#else
  for (var u = lid; u < k4; u += WG) {
    let p = w[r * k4 + u];
#if W_BF16
    out[m * k4 + u] = vec4<f32>(bf16_pair(p.x), bf16_pair(p.y));
#else
    out[m * k4 + u] = vec4<f32>(f16_pair(p.x), f16_pair(p.y));
#endif
  }
#endif
}
