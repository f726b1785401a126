// Tiled matrix-matrix core shared by quant_matmul, matmul16 and matmul_f32:
//   y[m, n0 + n] = sum_k x[x_row0 + m, k] · W[n, k] + bias[n0 + n]   for m < params.m, n < params.rows (one W chunk)
// A workgroup of MATMUL_WG = 2 · TILE_M invocations computes a TILE_M (m) × 64 (n) tile; invocation (tm, tn) =
// (lid / 16, lid % 16) owns the 8×4 block rows 8·tm.., columns 4·tn... TILE_M (override, 16/32/64; linear.ts picks
// it by M) only changes how many row blocks a workgroup has: per output the work and the k order are the same, so
// a short prompt does not pay for 64 rows. K advances 32 at a time (one q4 group): x and Wᵀ tiles are staged in
// workgroup memory transposed to [k][rows] so each k step is two vec4 reads of x (8 rows) and one of W (4 columns)
// for 32 FMAs (8×4 rather than 4×4 per invocation: 3 reads per 32 FMAs instead of 2 per 16; measured 25–40 % faster
// on SwiftShader at M = 256 and 1,024, with bit-identical results since each output's k order is unchanged).
// Workgroup memory: (TILE_M + 64) × 32 × 4 B ≤ 16 KiB (the portable cap). Accumulation: f32, k in
// increasing order.
// The including file declares x: array<vec4<f32>>, y: array<f32>, params: MatmulParams, bias (HAS_BIAS), includes
// common/bias.wgsl, uses @workgroup_size(MATMUL_WG), and defines load_w_tile(n_base, k0, u) filling ws[k][n] with
// W[n_base + n, k0 + k] (zero past the chunk's rows or K) for load unit u in [0, 256) (called for every u).
struct MatmulParams { m: u32, k: u32, n: u32, n0: u32, rows: u32, x_row0: u32 }

override TILE_M: u32 = 64u;             // tile rows (m): 16, 32 or 64
override MATMUL_WG: u32 = 2u * TILE_M;  // invocations per workgroup (never set directly)
override XS_VEC4: u32 = 8u * TILE_M;    // x tile size in vec4 (never set directly)
const MT: u32 = 64u;   // tile columns (n)
const MK: u32 = 32u;   // tile depth

var<workgroup> xs: array<vec4<f32>, XS_VEC4>;  // [MK][TILE_M / 4]: xs[k·TILE_M/4 + i][c] = x[m_base + 4i + c, k0 + k]
var<workgroup> ws: array<vec4<f32>, 512>;      // [MK][MT / 4]: ws[k * 16 + j][c] = W[n_base + 4j + c, k0 + k]

fn ws_store(k: u32, n: u32, v: f32) {
  ws[k * 16u + (n >> 2u)][n & 3u] = v;
}

// Load unit u reads one vec4 of x (row u / 8, k quad u % 8): 8 consecutive invocations read 128 B of one row.
fn load_x_tile(m_base: u32, k0: u32, lid: u32) {
  let k4 = params.k / 4u;
  let xr = TILE_M / 4u;
  for (var u = lid; u < 8u * TILE_M; u += MATMUL_WG) {
    let r = u >> 3u;
    let c4 = u & 7u;
    let m = m_base + r;
    var v = vec4<f32>(0.0);
    if (m < params.m && k0 + c4 * 4u < params.k) { v = x[(params.x_row0 + m) * k4 + k0 / 4u + c4]; }
    for (var e = 0u; e < 4u; e++) { xs[(c4 * 4u + e) * xr + (r >> 2u)][r & 3u] = v[e]; }
  }
}

fn matmul_tile(wid: vec3<u32>, lid: u32) {
  let n_base = wid.x * MT;
  let m_base = wid.y * TILE_M;
  let xr = TILE_M / 4u;
  let tm = lid >> 4u;
  let tn = lid & 15u;
  // Named accumulators rather than an array: SwiftShader keeps them in registers (35% faster there).
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var acc4 = vec4<f32>(0.0);
  var acc5 = vec4<f32>(0.0);
  var acc6 = vec4<f32>(0.0);
  var acc7 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < params.k; k0 += MK) {
    load_x_tile(m_base, k0, lid);
    for (var u = lid; u < 256u; u += MATMUL_WG) { load_w_tile(n_base, k0, u); }
    workgroupBarrier();
    for (var k = 0u; k < MK; k++) {
      let a = xs[k * xr + 2u * tm];
      let a2 = xs[k * xr + 2u * tm + 1u];
      let b = ws[k * 16u + tn];
      acc0 += a.x * b;
      acc1 += a.y * b;
      acc2 += a.z * b;
      acc3 += a.w * b;
      acc4 += a2.x * b;
      acc5 += a2.y * b;
      acc6 += a2.z * b;
      acc7 += a2.w * b;
    }
    workgroupBarrier();
  }
  let acc = array<vec4<f32>, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
  for (var i = 0u; i < 8u; i++) {
    let m = m_base + tm * 8u + i;
    if (m >= params.m) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = n_base + tn * 4u + j;
      if (n < params.rows) { y[m * params.n + params.n0 + n] = acc[i][j] + bias_value(params.n0 + n); }
    }
  }
}
