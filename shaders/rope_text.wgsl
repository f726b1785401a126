// M-RoPE on q and k (Qwen2.5-VL text, docs/model.md §4.3) fused with the KV-cache append.
//   angle[j] = f32(pos[axis(j)]) · inv_freq[j], j < D/2, axis(j) = 0 (t) for j < sec_t, 1 (h) for j < sec_t + sec_h,
//   else 2 (w)   (mrope_section doubled over the cos/sin dims: dims j and j + D/2 share angle j)
//   x'[j]       = x[j]·cos − x[j + D/2]·sin        (rotate_half convention)
//   x'[j + D/2] = x[j + D/2]·cos + x[j]·sin
// q' goes to q_out (dense); k' and the untouched v rows are written into the caches at cache row
// cache_start + r. All arithmetic f32; cos/sin from common/trig.wgsl (accurate for |angle| < 2^17).
// Bindings:
//   q_src, k_src, v_src  array<f32>  row r of q/k/v starts at *_off + r·*_stride (views into one fused qkv buffer
//                                    or three separate ones; read-only, so they may alias)
//   positions            array<i32>  [3][pos_stride]; row r uses column pos_col0 + r
//   inv_freq             array<f32>  [D/2], computed on the host exactly as torch does (1/theta^(2j/D) in f32)
//   q_out                array<f32>  [rows][HQ][D]
//   k_cache, v_cache     [HKV][max_len][D], f32 or (KV_F16) f16 packed two per u32
// Invocation: one per (row, head slot, quad); slots 0..HQ-1 are q heads, then HKV k heads, then HKV v heads; a
// quad is dims {2i, 2i+1} with their partners {2i + D/2, 2i+1 + D/2}, so f16 words are written whole.
#include "common/grid.wgsl"
#include "common/trig.wgsl"

struct Params {
  rows: u32,
  q_off: u32, q_stride: u32,
  k_off: u32, k_stride: u32,
  v_off: u32, v_stride: u32,
  pos_col0: u32, pos_stride: u32,
  cache_start: u32, max_len: u32,
  sec_t: u32, sec_th: u32,
}

override HQ: u32;
override HKV: u32;
override D: u32;
override WG: u32 = 64;

@group(0) @binding(0) var<storage, read> q_src: array<f32>;
@group(0) @binding(1) var<storage, read> k_src: array<f32>;
@group(0) @binding(2) var<storage, read> v_src: array<f32>;
@group(0) @binding(3) var<storage, read> positions: array<i32>;
@group(0) @binding(4) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(5) var<storage, read_write> q_out: array<f32>;
#if KV_F16
@group(0) @binding(6) var<storage, read_write> k_cache: array<u32>;
@group(0) @binding(7) var<storage, read_write> v_cache: array<u32>;
#else
@group(0) @binding(6) var<storage, read_write> k_cache: array<f32>;
@group(0) @binding(7) var<storage, read_write> v_cache: array<f32>;
#endif
@group(0) @binding(8) var<uniform> params: Params;

fn axis_of(j: u32) -> u32 {
  return select(select(2u, 1u, j < params.sec_th), 0u, j < params.sec_t);
}

// (sin, cos) of the angle for frequency j of row r.
fn rope_sincos(r: u32, j: u32) -> vec2<f32> {
  let p = positions[axis_of(j) * params.pos_stride + params.pos_col0 + r];
  return sincos_precise(f32(p) * inv_freq[j]);
}

#if KV_F16
fn store_k(base: u32, d: u32, a: vec2<f32>, b: vec2<f32>) {
  k_cache[(base + d) / 2u] = pack2x16float(a);
  k_cache[(base + d + D / 2u) / 2u] = pack2x16float(b);
}
fn store_v(base: u32, d: u32, a: vec2<f32>, b: vec2<f32>) {
  v_cache[(base + d) / 2u] = pack2x16float(a);
  v_cache[(base + d + D / 2u) / 2u] = pack2x16float(b);
}
#else
fn store_k(base: u32, d: u32, a: vec2<f32>, b: vec2<f32>) {
  k_cache[base + d] = a.x; k_cache[base + d + 1u] = a.y;
  k_cache[base + d + D / 2u] = b.x; k_cache[base + d + D / 2u + 1u] = b.y;
}
fn store_v(base: u32, d: u32, a: vec2<f32>, b: vec2<f32>) {
  v_cache[base + d] = a.x; v_cache[base + d + 1u] = a.y;
  v_cache[base + d + D / 2u] = b.x; v_cache[base + d + D / 2u + 1u] = b.y;
}
#endif

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let quads = D / 4u;
  let slots = HQ + 2u * HKV;
  let idx = linear_workgroup(wid, nwg) * WG + lid;
  if (idx >= params.rows * slots * quads) { return; }
  let r = idx / (slots * quads);
  let slot = (idx / quads) % slots;
  let d = 2u * (idx % quads);
  let half = D / 2u;

  var src: u32;
  if (slot < HQ) {
    src = params.q_off + r * params.q_stride + slot * D;
  } else if (slot < HQ + HKV) {
    src = params.k_off + r * params.k_stride + (slot - HQ) * D;
  } else {
    src = params.v_off + r * params.v_stride + (slot - HQ - HKV) * D;
  }

  if (slot >= HQ + HKV) {
    let h = slot - HQ - HKV;
    let base = (h * params.max_len + params.cache_start + r) * D;
    store_v(base, d, vec2<f32>(v_src[src + d], v_src[src + d + 1u]), vec2<f32>(v_src[src + d + half], v_src[src + d + half + 1u]));
    return;
  }

  let sc0 = rope_sincos(r, d);
  let sc1 = rope_sincos(r, d + 1u);
  var x: vec2<f32>;
  var y: vec2<f32>;
  if (slot < HQ) {
    x = vec2<f32>(q_src[src + d], q_src[src + d + 1u]);
    y = vec2<f32>(q_src[src + d + half], q_src[src + d + half + 1u]);
  } else {
    x = vec2<f32>(k_src[src + d], k_src[src + d + 1u]);
    y = vec2<f32>(k_src[src + d + half], k_src[src + d + half + 1u]);
  }
  let s = vec2<f32>(sc0.x, sc1.x);
  let c = vec2<f32>(sc0.y, sc1.y);
  let lo = x * c - y * s;
  let hi = y * c + x * s;
  if (slot < HQ) {
    let o = (r * HQ + slot) * D;
    q_out[o + d] = lo.x; q_out[o + d + 1u] = lo.y;
    q_out[o + d + half] = hi.x; q_out[o + d + half + 1u] = hi.y;
  } else {
    let h = slot - HQ;
    store_k((h * params.max_len + params.cache_start + r) * D, d, lo, hi);
  }
}
