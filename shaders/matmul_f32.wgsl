// Plain tiled f32 matrix product, the FLOP/s reference for the benchmark (same tile core as the model's matmuls):
//   c[m, n] = sum_k a[m, k] · b[n, k]
// Bindings: a array<vec4<f32>> [M][K] (K % 4 == 0), b array<vec4<f32>> [N][K], c array<f32> [M][N].
// Invocations and accumulation: common/matmul_tile.wgsl (TILE_M×64 tile, 4×4 per invocation, f32).
// W tile load: invocation lid reads two vec4 of row lid / 4, k slice 8·(lid % 4). Grid: (ceil(N / 64), ceil(M / 64)).
#include "common/bias.wgsl"
#include "common/matmul_tile.wgsl"

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> params: MatmulParams;

fn load_w_tile(n_base: u32, k0: u32, lid: u32) {
  let nn = lid >> 2u;
  let kk = (lid & 3u) * 8u;
  let n = n_base + nn;
  for (var h = 0u; h < 2u; h++) {
    let k = k0 + kk + h * 4u;
    var v = vec4<f32>(0.0);
    if (n < params.rows && k < params.k) { v = b[(n * params.k + k) / 4u]; }
    for (var e = 0u; e < 4u; e++) { ws_store(kk + h * 4u + e, nn, v[e]); }
  }
}

@compute @workgroup_size(MATMUL_WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  matmul_tile(wid, lid);
}
