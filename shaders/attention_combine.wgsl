// Decode attention pass 2: merges the per-chunk statistics of attention_decode.wgsl for each query head h:
//   M = max_c m_c,  L = Σ_c l_c·exp(m_c − M),  out[h] = (Σ_c o_c·exp(m_c − M)) / L
// over the chunks c < ceil(len / CHUNK). #if TAP: also stats[h] = (M, L), the normalisation of the whole softmax
// (all keys), which the attention tap applies to the raw scores.
// Bindings: part_o array<f32> [H][max_chunks][D]; part_ml array<vec2<f32>> [H][max_chunks];
//   out array<f32>, head h at o_off + h·D; stats (TAP) array<vec2<f32>> [H].
// Workgroup h; every invocation folds the (few, ≤ max_len / CHUNK) chunk statistics itself in the same order,
// then owns dims d = lid, lid + 128, …. f32 throughout.

struct Params {
  len: u32,
  o_off: u32,
  max_chunks: u32,
  chunk: u32,
}

override D: u32;
const WG: u32 = 128u;

@group(0) @binding(0) var<storage, read> part_o: array<f32>;
@group(0) @binding(1) var<storage, read> part_ml: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
#if TAP
@group(0) @binding(4) var<storage, read_write> stats: array<vec2<f32>>;
#endif

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let h = wid.x;
  let nc = (params.len + params.chunk - 1u) / params.chunk;
  let base = h * params.max_chunks;
  var m = part_ml[base].x;
  for (var c = 1u; c < nc; c++) { m = max(m, part_ml[base + c].x); }
  var l = 0.0;
  for (var c = 0u; c < nc; c++) {
    let ml = part_ml[base + c];
    l += ml.y * exp(ml.x - m);
  }
  for (var d = lid; d < D; d += WG) {
    var o = 0.0;
    for (var c = 0u; c < nc; c++) { o += part_o[(base + c) * D + d] * exp(part_ml[base + c].x - m); }
    out[params.o_off + h * D + d] = o / l;
  }
#if TAP
  if (lid == 0u) { stats[h] = vec2<f32>(m, l); }
#endif
}
