// q4 matrix-matrix product (prefill) for one row chunk of W:
//   y[m, n0 + n] = sum_k x[x_row0 + m, k] · (q[n, k] · d[n, k / 32]) + bias[n0 + n]
// Bindings:
//   x       array<vec4<f32>> [.., K] rows (K % 32 == 0)
//   qweight array<u32> [rows][K / 8] nibbles, scales array<u32> f16 bits two per word, flat n * K/32 + g (§4)
//   y       array<f32> [M][params.n]
//   bias    array<u32> (HAS_BIAS), element n0 + n
// Invocations and accumulation: common/matmul_tile.wgsl (TILE_M×64 tile, 4×4 per invocation, f32).
// W tile load: load unit u dequantizes word u % 4 of row u / 4 (8 values, one scale): 4 consecutive units read one
// row's 16-byte group slice. Grid: (ceil(rows / 64), ceil(M / TILE_M)).
#include "common/q4.wgsl"
#include "common/bias.wgsl"
#include "common/matmul_tile.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> qweight: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<u32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> params: MatmulParams;
#if HAS_BIAS
@group(0) @binding(5) var<storage, read> bias: array<u32>;
#endif

fn load_w_tile(n_base: u32, k0: u32, lid: u32) {
  let nn = lid >> 2u;
  let j = lid & 3u;
  let n = n_base + nn;
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  if (n < params.rows) {
    let groups = params.k / 32u;
    let flat = n * groups + k0 / 32u;
    let d = q4_scale(scales[flat >> 1u], flat);
    let word = qweight[n * (params.k / 8u) + k0 / 8u + j];
    lo = q4_lo(word) * d;
    hi = q4_hi(word) * d;
  }
  for (var e = 0u; e < 4u; e++) {
    ws_store(j * 8u + e, nn, lo[e]);
    ws_store(j * 8u + 4u + e, nn, hi[e]);
  }
}

@compute @workgroup_size(MATMUL_WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  matmul_tile(wid, lid);
}
