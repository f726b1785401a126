// Quantized matrix-matrix product (prefill) for one row chunk of W, q4 or (#if Q8) q8:
//   y[m, n0 + n] = sum_k x[x_row0 + m, k] · (q[n, k] · d[n, k / 32]) + bias[n0 + n]
// Bindings:
//   x       array<vec4<f32>> [.., K] rows (K % 32 == 0)
//   qweight array<u32> q4: [rows][K / 8] nibbles (ARCHITECTURE.md §4); q8: [rows][K / 4] int8 codes (docs/model.md
//           §6.3); scales array<u32> f16 bits two per word, flat n * K/32 + g
//   y       array<f32> [M][params.n]
//   bias    array<u32> (HAS_BIAS), element n0 + n
// Invocations and accumulation: common/matmul_tile.wgsl (TILE_M×64 tile, 4×4 per invocation, f32).
// W tile load: load unit u dequantizes 8 values (one scale) of row u / 4's group: q4 word u % 4, q8 words 2j, 2j + 1
// (j = u % 4), so 4 consecutive units read one row's group (16 or 32 bytes). Grid: (ceil(rows / 64), ceil(M / TILE_M)).
#if Q8
#include "common/q8.wgsl"
#else
#include "common/q4.wgsl"
#endif
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
    let flat = n * (params.k / 32u) + k0 / 32u;
    let d = q4_scale(scales[flat >> 1u], flat);
#if Q8
    let word = n * (params.k / 4u) + k0 / 4u + 2u * j;
    lo = q8_unpack(qweight[word]) * d;
    hi = q8_unpack(qweight[word + 1u]) * d;
#else
    let word = qweight[n * (params.k / 8u) + k0 / 8u + j];
    lo = q4_lo(word) * d;
    hi = q4_hi(word) * d;
#endif
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
