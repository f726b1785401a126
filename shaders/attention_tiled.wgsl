// Tiled online-softmax attention (flash-style) for prefill (causal, GQA, K/V from the cache) and for the vision
// tower (#if VISION: non-causal within segments, MHA, q/k/v straight from the fused qkv buffer).
//   out[i, h] = Σ_{j ∈ keys(i)} softmax_j(q[i, h]·k[j, g(h)] · scale) · v[j, g(h)],  g(h) = h / G
//   keys(i) = [0, p0 + i]               (prefill: query row i sits at cache row p0 + i; chunked prefill ok)
//           = [cu[s], cu[s + 1]) ∋ i    (vision: the row's segment from cu_seqlens)
// Work split: a workgroup owns one KV head g and R = 32 "query rows" f = i·G + hh (query row i, head g·G + hh), so
// every K/V tile it loads serves all G query heads of the group. 128 invocations = 32 rows × 4 lanes; lane l of a
// row holds the vec4s l, l+4, l+8, … of q and of the output accumulator (D/16 vec4 each, D ≤ 128).
// Per key tile (BC = 16 keys): K tile → workgroup memory; each lane dots its q slice with every key → partials;
// each lane sums the 4 partials of its row (fixed order, same as attention_decode.wgsl), masks, and runs the
// online-softmax update in registers; V tile → the same workgroup memory; o = o·α + Σ p_j·v_j on its slice.
// Workgroup memory: K/V tile BC·D f32 (8 KiB at D = 128) + partials R·BC·4 f32 (8 KiB) = 16 KiB at D = 128.
// Accumulation f32; exp/max f32; masked keys contribute exactly 0.
// Bindings (cache mode):  q array<vec4<f32>> rows q_off4 + i·q_stride4 (vec4 units), head h at + h·D/4;
//   k_cache, v_cache [HKV][max_len][D] f32 (array<vec4<f32>>) or KV_F16 packed f16 (array<u32>);
//   out array<vec4<f32>> rows o_off4 + i·o_stride4, head h at + h·D/4.
// Bindings (VISION): qkv array<vec4<f32>> [rows][3·HKV·D] = [q | k | v]; cu array<i32> [n_seg + 1]; out as above.
#include "common/grid.wgsl"

struct Params {
  rows: u32,
  q_off4: u32, q_stride4: u32,
  o_off4: u32, o_stride4: u32,
  p0: u32, max_len: u32, n_seg: u32,
  scale: f32,
}

override HKV: u32;
override G: u32;
override D: u32;
const R: u32 = 32u;
const LANES: u32 = 4u;
const BC: u32 = 16u;
const WG: u32 = 128u;
override NV: u32 = D / 16u; // vec4 slots per lane, 1 … 8 (never set directly)
const MASKED: f32 = -3.0e38;

#if VISION
@group(0) @binding(0) var<storage, read> qkv: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> cu: array<i32>;
#else
@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
#if KV_F16
@group(0) @binding(1) var<storage, read> k_cache: array<u32>;
@group(0) @binding(4) var<storage, read> v_cache: array<u32>;
#else
@group(0) @binding(1) var<storage, read> k_cache: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> v_cache: array<vec4<f32>>;
#endif
#endif
@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> params: Params;

var<workgroup> tile: array<vec4<f32>, BC * D / 4u>;
var<workgroup> part: array<f32, R * BC * LANES>;

#if VISION
fn load_q(i: u32, h: u32, c: u32) -> vec4<f32> { return qkv[i * params.q_stride4 + h * D / 4u + c]; }
fn load_k(j: u32, g: u32, c: u32) -> vec4<f32> { return qkv[j * params.q_stride4 + (HKV + g) * D / 4u + c]; }
fn load_v(j: u32, g: u32, c: u32) -> vec4<f32> { return qkv[j * params.q_stride4 + (2u * HKV + g) * D / 4u + c]; }
// Segment [cu[s], cu[s+1]) containing row i (binary search; cu is increasing with cu[0] = 0, cu[n_seg] = rows).
fn segment_of(i: u32) -> vec2<u32> {
  var lo = 0u;
  var hi = params.n_seg;
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (u32(cu[mid]) <= i) { lo = mid; } else { hi = mid; }
  }
  return vec2<u32>(u32(cu[lo]), u32(cu[lo + 1u]));
}
fn key_range(i: u32) -> vec2<u32> { return segment_of(i); }
#else
fn load_q(i: u32, h: u32, c: u32) -> vec4<f32> { return q[params.q_off4 + i * params.q_stride4 + h * D / 4u + c]; }
#if KV_F16
fn load_k(j: u32, g: u32, c: u32) -> vec4<f32> {
  let w = (g * params.max_len + j) * D / 2u + 2u * c;
  return vec4<f32>(unpack2x16float(k_cache[w]), unpack2x16float(k_cache[w + 1u]));
}
fn load_v(j: u32, g: u32, c: u32) -> vec4<f32> {
  let w = (g * params.max_len + j) * D / 2u + 2u * c;
  return vec4<f32>(unpack2x16float(v_cache[w]), unpack2x16float(v_cache[w + 1u]));
}
#else
fn load_k(j: u32, g: u32, c: u32) -> vec4<f32> { return k_cache[(g * params.max_len + j) * D / 4u + c]; }
fn load_v(j: u32, g: u32, c: u32) -> vec4<f32> { return v_cache[(g * params.max_len + j) * D / 4u + c]; }
#endif
fn key_range(i: u32) -> vec2<u32> { return vec2<u32>(0u, params.p0 + i + 1u); }
#endif
fn q_slot(i: u32, h: u32, lane: u32, k: u32) -> vec4<f32> {
  if (k >= NV) { return vec4<f32>(0.0); }
  return load_q(i, h, lane + LANES * k);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = linear_workgroup(wid, nwg);
  let g = w % HKV;
  let f0 = (w / HKV) * R;
  let n_flat = params.rows * G;
  if (f0 >= n_flat) { return; }
  let r = lid / LANES;
  let lane = lid % LANES;
  let f = min(f0 + r, n_flat - 1u); // rows past the end mirror the last row and are not written
  let i = f / G;
  let h = g * G + f % G;

  // The workgroup's key span (union of its rows' ranges) is broadcast through `part` (not yet in use; exact
  // as f32 below 2^24) so the tile loop bounds are provably uniform without spending extra workgroup memory.
  if (lid == 0u) {
    part[0] = f32(key_range(f0 / G).x);
    part[1] = f32(key_range((min(f0 + R, n_flat) - 1u) / G).y);
  }
  let klo = u32(workgroupUniformLoad(&part[0]));
  let khi = u32(workgroupUniformLoad(&part[1]));
  let mine = key_range(i);

  // Slot k holds vec4 lane + 4k of the head. Named registers, not arrays: SwiftShader keeps private arrays in
  // memory, which cost half this kernel's time there. Slots ≥ NV stay zero and their guards fold away (NV is a
  // pipeline constant).
  let q0 = load_q(i, h, lane);
  let q1 = q_slot(i, h, lane, 1u);
  let q2 = q_slot(i, h, lane, 2u);
  let q3 = q_slot(i, h, lane, 3u);
  let q4 = q_slot(i, h, lane, 4u);
  let q5 = q_slot(i, h, lane, 5u);
  let q6 = q_slot(i, h, lane, 6u);
  let q7 = q_slot(i, h, lane, 7u);
  var o0 = vec4<f32>(0.0);
  var o1 = vec4<f32>(0.0);
  var o2 = vec4<f32>(0.0);
  var o3 = vec4<f32>(0.0);
  var o4 = vec4<f32>(0.0);
  var o5 = vec4<f32>(0.0);
  var o6 = vec4<f32>(0.0);
  var o7 = vec4<f32>(0.0);
  var m = MASKED;
  var l = 0.0;
  var s: array<f32, BC>;

  for (var kt = klo; kt < khi; kt += BC) {
    for (var e = lid; e < BC * D / 4u; e += WG) {
      let j = kt + e / (D / 4u);
      tile[e] = select(vec4<f32>(0.0), load_k(j, g, e % (D / 4u)), j < khi);
    }
    workgroupBarrier();
    for (var j = 0u; j < BC; j++) {
      let t = j * D / 4u + lane;
      var acc = dot(q0, tile[t]);
      if (NV > 1u) { acc += dot(q1, tile[t + 4u]); }
      if (NV > 2u) { acc += dot(q2, tile[t + 8u]); }
      if (NV > 3u) { acc += dot(q3, tile[t + 12u]); }
      if (NV > 4u) { acc += dot(q4, tile[t + 16u]); }
      if (NV > 5u) { acc += dot(q5, tile[t + 20u]); }
      if (NV > 6u) { acc += dot(q6, tile[t + 24u]); }
      if (NV > 7u) { acc += dot(q7, tile[t + 28u]); }
      part[(r * BC + j) * LANES + lane] = acc;
    }
    workgroupBarrier();
    for (var e = lid; e < BC * D / 4u; e += WG) {
      let j = kt + e / (D / 4u);
      tile[e] = select(vec4<f32>(0.0), load_v(j, g, e % (D / 4u)), j < khi);
    }
    var tmax = MASKED;
    for (var j = 0u; j < BC; j++) {
      let b = (r * BC + j) * LANES;
      let sc = (((part[b] + part[b + 1u]) + part[b + 2u]) + part[b + 3u]) * params.scale;
      let key = kt + j;
      s[j] = select(MASKED, sc, key >= mine.x && key < mine.y);
      tmax = max(tmax, s[j]);
    }
    let m_new = max(m, tmax);
    let alpha = exp(m - m_new);
    l *= alpha;
    o0 *= alpha;
    o1 *= alpha;
    o2 *= alpha;
    o3 *= alpha;
    o4 *= alpha;
    o5 *= alpha;
    o6 *= alpha;
    o7 *= alpha;
    workgroupBarrier();
    for (var j = 0u; j < BC; j++) {
      let p = select(0.0, exp(s[j] - m_new), s[j] > MASKED);
      l += p;
      let t = j * D / 4u + lane;
      o0 += p * tile[t];
      if (NV > 1u) { o1 += p * tile[t + 4u]; }
      if (NV > 2u) { o2 += p * tile[t + 8u]; }
      if (NV > 3u) { o3 += p * tile[t + 12u]; }
      if (NV > 4u) { o4 += p * tile[t + 16u]; }
      if (NV > 5u) { o5 += p * tile[t + 20u]; }
      if (NV > 6u) { o6 += p * tile[t + 24u]; }
      if (NV > 7u) { o7 += p * tile[t + 28u]; }
    }
    m = m_new;
    workgroupBarrier();
  }

  if (f0 + r < n_flat) {
    let inv_l = 1.0 / l;
    let t = params.o_off4 + i * params.o_stride4 + h * D / 4u + lane;
    out[t] = o0 * inv_l;
    if (NV > 1u) { out[t + 4u] = o1 * inv_l; }
    if (NV > 2u) { out[t + 8u] = o2 * inv_l; }
    if (NV > 3u) { out[t + 12u] = o3 * inv_l; }
    if (NV > 4u) { out[t + 16u] = o4 * inv_l; }
    if (NV > 5u) { out[t + 20u] = o5 * inv_l; }
    if (NV > 6u) { out[t + 24u] = o6 * inv_l; }
    if (NV > 7u) { out[t + 28u] = o7 * inv_l; }
  }
}
