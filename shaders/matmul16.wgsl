// 16-bit matrix-matrix product (vision tower, merger, unquantized text linears) for one row chunk of W:
//   y[m, n0 + n] = sum_k x[x_row0 + m, k] · W[n, k] + bias[n0 + n]
// Bindings:
//   x     array<vec4<f32>> [.., K] rows (K % 4 == 0; K need not be a multiple of the tile depth 32)
//   w     array<vec2<u32>> [rows][K / 4]: bf16 (W_BF16) or f16 values packed two per word, low half first
//   y     array<f32> [M][params.n]
//   bias  array<u32> (HAS_BIAS), element n0 + n
// Invocations and accumulation: common/matmul_tile.wgsl (TILE_M×64 tile, 4×4 per invocation, f32).
// W tile load: load unit u widens 8 values (two vec2 = 16 B) of row u / 4, k slice 8·(u % 4).
// Grid: (ceil(rows / 64), ceil(M / TILE_M)).
#include "common/packed16.wgsl"
#include "common/widen4.wgsl"
#include "common/bias.wgsl"
#include "common/matmul_tile.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: MatmulParams;
#if HAS_BIAS
@group(0) @binding(4) var<storage, read> bias: array<u32>;
#endif


fn load_w_tile(n_base: u32, k0: u32, lid: u32) {
  let nn = lid >> 2u;
  let kk = (lid & 3u) * 8u;
  let n = n_base + nn;
  for (var h = 0u; h < 2u; h++) {
    let k = k0 + kk + h * 4u;
    var v = vec4<f32>(0.0);
    if (n < params.rows && k < params.k) { v = widen4(w[(n * params.k + k) / 4u]); }
    for (var e = 0u; e < 4u; e++) { ws_store(kk + h * 4u + e, nn, v[e]); }
  }
}

@compute @workgroup_size(MATMUL_WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  matmul_tile(wid, lid);
}
