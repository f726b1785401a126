// Decode attention, split over the KV length (flash-decoding), pass 1 of 2 (attention_combine.wgsl is pass 2).
// One query token; KV head g serves query heads g·G … g·G + G − 1. Workgroup (g, c) covers keys
// [c·CHUNK, min(len, (c+1)·CHUNK)) and writes, per query head h, the chunk-local softmax statistics
//   m_c = max_j s_j,  l_c = Σ_j exp(s_j − m_c),  o_c = Σ_j exp(s_j − m_c)·v_j,   s_j = (q_h·k_j)·scale
// (#if TAP: also every s_j into `scores`, for the attention tap, bit-identical to what the softmax used).
// Scores: 4 lanes per key, lane l dots vec4s l, l+4, … (same slices and summation order as attention_tiled.wgsl,
// so a tap on the last prefill row sees the prefill's logits); K row loaded once, used for all G heads.
// P·V: invocation d (and key lane d / D when D < 128) accumulates dim d for all G heads, coalesced over V rows.
// Bindings: q array<vec4<f32>> (query head h at q_off4 + h·D/4); k_cache/v_cache [HKV][max_len][D] f32 or
//   KV_F16 packed f16; part_o array<f32> [HKV·G][max_chunks][D]; part_ml array<vec2<f32>> [HKV·G][max_chunks];
//   scores (TAP) array<f32> [HKV·G][max_len]. f32 accumulation everywhere.
// Workgroup memory: q G·D + scores G·CHUNK + scratch G·128 floats (≤ 12 KiB for G = 8, D = 128, CHUNK = 128).
#include "common/grid.wgsl"

struct Params {
  len: u32,
  q_off4: u32,
  max_len: u32,
  max_chunks: u32,
  scale: f32,
}

override HKV: u32;
override G: u32;
override D: u32;
override CHUNK: u32 = 64u;
const WG: u32 = 128u;
const LANES: u32 = 4u;
const KPP: u32 = 32u; // keys per scoring step (WG / LANES)
const MAXV: u32 = 8u;
const MAXG: u32 = 8u;
const MASKED: f32 = -3.0e38;

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
#if KV_F16
@group(0) @binding(1) var<storage, read> k_cache: array<u32>;
@group(0) @binding(2) var<storage, read> v_cache: array<u32>;
#else
@group(0) @binding(1) var<storage, read> k_cache: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v_cache: array<vec4<f32>>;
#endif
@group(0) @binding(3) var<storage, read_write> part_o: array<f32>;
@group(0) @binding(4) var<storage, read_write> part_ml: array<vec2<f32>>;
@group(0) @binding(5) var<uniform> params: Params;
#if TAP
@group(0) @binding(6) var<storage, read_write> scores: array<f32>;
#endif

var<workgroup> qs: array<vec4<f32>, G * D / 4u>;
var<workgroup> sc: array<f32, G * CHUNK>;
var<workgroup> scratch: array<f32, G * WG>;
var<workgroup> mh: array<f32, G>;

#if KV_F16
fn load_k(j: u32, g: u32, c: u32) -> vec4<f32> {
  let w = (g * params.max_len + j) * D / 2u + 2u * c;
  return vec4<f32>(unpack2x16float(k_cache[w]), unpack2x16float(k_cache[w + 1u]));
}
fn load_v1(j: u32, g: u32, d: u32) -> f32 {
  let pair = unpack2x16float(v_cache[((g * params.max_len + j) * D + d) / 2u]);
  return select(pair.x, pair.y, (d & 1u) == 1u);
}
#else
fn load_k(j: u32, g: u32, c: u32) -> vec4<f32> { return k_cache[(g * params.max_len + j) * D / 4u + c]; }
fn load_v1(j: u32, g: u32, d: u32) -> f32 {
  let e = (g * params.max_len + j) * D + d;
  return v_cache[e / 4u][e % 4u];
}
#endif

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = linear_workgroup(wid, nwg);
  let g = w % HKV;
  let c = w / HKV;
  let k0 = c * CHUNK;
  if (k0 >= params.len) { return; }
  let nv = D / 16u;

  for (var e = lid; e < G * D / 4u; e += WG) {
    qs[e] = q[params.q_off4 + g * G * D / 4u + e];
  }
  workgroupBarrier();

  // Scores, KPP keys per sp.
  let lane = lid % LANES;
  for (var sp = 0u; sp < CHUNK / KPP; sp++) {
    let kl = sp * KPP + lid / LANES;
    let key = k0 + kl;
    if (key < params.len) {
      var kv: array<vec4<f32>, MAXV>;
      for (var kk = 0u; kk < nv; kk++) { kv[kk] = load_k(key, g, lane + LANES * kk); }
      for (var hh = 0u; hh < G; hh++) {
        var acc = 0.0;
        for (var kk = 0u; kk < nv; kk++) { acc += dot(qs[hh * D / 4u + lane + LANES * kk], kv[kk]); }
        scratch[(hh * KPP + lid / LANES) * LANES + lane] = acc;
      }
    }
    workgroupBarrier();
    for (var e = lid; e < G * KPP; e += WG) {
      let hh = e / KPP;
      let kj = sp * KPP + e % KPP;
      let b = e * LANES;
      var s = MASKED;
      if (k0 + kj < params.len) {
        s = (((scratch[b] + scratch[b + 1u]) + scratch[b + 2u]) + scratch[b + 3u]) * params.scale;
#if TAP
        scores[(g * G + hh) * params.max_len + k0 + kj] = s;
#endif
      }
      sc[hh * CHUNK + kj] = s;
    }
    workgroupBarrier();
  }

  // Chunk max per head, then probabilities relative to it (masked keys → exactly 0).
  if (lid < G) {
    var m = MASKED;
    for (var j = 0u; j < CHUNK; j++) { m = max(m, sc[lid * CHUNK + j]); }
    mh[lid] = m;
  }
  workgroupBarrier();
  for (var e = lid; e < G * CHUNK; e += WG) {
    let s = sc[e];
    sc[e] = select(0.0, exp(s - mh[e / CHUNK]), s > MASKED);
  }
  workgroupBarrier();

  // P·V: dim d, key lane kl of `lanes` (several lanes only when D < WG).
  let lanes = WG / D;
  let d = lid % D;
  let kl = lid / D;
  let n_keys = min(CHUNK, params.len - k0);
  var acc: array<f32, MAXG>;
  for (var hh = 0u; hh < G; hh++) { acc[hh] = 0.0; }
  if (kl < lanes) {
    for (var j = kl; j < n_keys; j += lanes) {
      let v = load_v1(k0 + j, g, d);
      for (var hh = 0u; hh < G; hh++) { acc[hh] += sc[hh * CHUNK + j] * v; }
    }
  }
  if (lanes > 1u) {
    if (kl < lanes) {
      for (var hh = 0u; hh < G; hh++) { scratch[(kl * G + hh) * D + d] = acc[hh]; }
    }
    workgroupBarrier();
    if (kl == 0u) {
      for (var hh = 0u; hh < G; hh++) {
        var t = scratch[hh * D + d];
        for (var x = 1u; x < lanes; x++) { t += scratch[(x * G + hh) * D + d]; }
        acc[hh] = t;
      }
    }
  }
  if (kl == 0u) {
    for (var hh = 0u; hh < G; hh++) {
      part_o[((g * G + hh) * params.max_chunks + c) * D + d] = acc[hh];
    }
  }
  if (lid < G) {
    var l = 0.0;
    for (var j = 0u; j < CHUNK; j++) { l += sc[lid * CHUNK + j]; }
    part_ml[(g * G + lid) * params.max_chunks + c] = vec2<f32>(mh[lid], l);
  }
}
