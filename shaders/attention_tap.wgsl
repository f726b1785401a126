// Attention tap (spec/attention.md) for one decode step of the tapped layer, from the raw scores and the softmax
// normalisation the decode kernels exported (TAP variants), i.e. from the very logits the attention used:
//   A_h(j) = exp(s_h(j) − M_h) / L_h                     (softmax over all len keys)
//   head mass  m_h  = Σ_{j∈[v0,v1)} A_h(j)
//   pair mass  M(g) = Σ_{j∈V_g} r(j),   V_g = [v0 + g·per, v0 + (g+1)·per)
//   segments   m_S  = Σ_{j∈S} r(j) for S = sink [0,1), system [1,v0), video [v0,v1), question [v1,P),
//              generated [P,len) (P = prompt length); the five partition the keys, so they sum to 1
//   row        r(j) = (1/H) Σ_h A_h(j), j ∈ [v0, v1)     (stored f32, or #if ROW_F16 as f16 pairs)
// Output slot (u32 words from slot_base): [0, H) head mass f32 bits, [H, H+P) pair mass f32 bits, [H+P, H+P+5)
// segment masses f32 bits, then the row (|V| f32 words, or ceil(|V|/2) words of two f16, element 2k low).
// Bindings: scores array<f32> [H][max_len]; stats array<vec2<f32>> [H] = (M_h, L_h); tap array<u32>; params.
// Workgroups: 0..H-1 one head mass each; H..H+P-1 one pair mass each; H+P..H+P+4 one segment each; then blocks
// of 128 row words. Masses are strided per-invocation sums, then a fixed-order tree in workgroup memory; all f32.

struct Params {
  max_len: u32,
  v0: u32,
  v1: u32,
  per: u32,
  pairs: u32,
  slot_base: u32,
  len: u32,
  prompt_len: u32,
}

override H: u32;
const WG: u32 = 128u;

@group(0) @binding(0) var<storage, read> scores: array<f32>;
@group(0) @binding(1) var<storage, read> stats: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> tap: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> red: array<f32, WG>;

fn prob(h: u32, j: u32) -> f32 {
  let st = stats[h];
  return exp(scores[h * params.max_len + j] - st.x) / st.y;
}

fn head_mean(j: u32) -> f32 {
  var t = 0.0;
  for (var h = 0u; h < H; h++) { t += prob(h, j); }
  return t / f32(H);
}

// Tree sum of red[0..WG) (call in uniform control flow); the result is in red[0] for every invocation.
fn reduce(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s) { red[lid] += red[lid + s]; }
  }
  return workgroupUniformLoad(&red[0]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x;
  if (w < H) {
    var t = 0.0;
    for (var j = params.v0 + lid; j < params.v1; j += WG) { t += prob(w, j); }
    let m = reduce(lid, t);
    if (lid == 0u) { tap[params.slot_base + w] = bitcast<u32>(m); }
    return;
  }
  if (w < H + params.pairs) {
    let g = w - H;
    let a = params.v0 + g * params.per;
    var t = 0.0;
    for (var j = a + lid; j < a + params.per; j += WG) { t += head_mean(j); }
    let m = reduce(lid, t);
    if (lid == 0u) { tap[params.slot_base + w] = bitcast<u32>(m); }
    return;
  }
  if (w < H + params.pairs + 5u) {
    let seg = w - H - params.pairs;
    var bounds = array<u32, 6>(0u, 1u, params.v0, params.v1, params.prompt_len, params.len);
    let a = min(bounds[seg], params.len);
    let b = min(bounds[seg + 1u], params.len);
    var t = 0.0;
    for (var j = a + lid; j < b; j += WG) { t += head_mean(j); }
    let m = reduce(lid, t);
    if (lid == 0u) { tap[params.slot_base + w] = bitcast<u32>(m); }
    return;
  }
  let k = (w - H - params.pairs - 5u) * WG + lid;
  let row = params.slot_base + H + params.pairs + 5u;
  let n = params.v1 - params.v0;
#if ROW_F16
  if (2u * k >= n) { return; }
  let j = params.v0 + 2u * k;
  let hi = select(0.0, head_mean(j + 1u), 2u * k + 1u < n);
  tap[row + k] = pack2x16float(vec2<f32>(head_mean(j), hi));
#else
  if (k >= n) { return; }
  tap[row + k] = bitcast<u32>(head_mean(params.v0 + k));
#endif
}
