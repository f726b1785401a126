// 2-D rotary embedding of the vision tower (docs/model.md §3.3), in place on q and k inside the fused qkv buffer.
//   Q = D/4 frequencies inv_freq[i] = 1/theta^(2i/(D/2)) (theta 10000); per row (hp, wp):
//   angle[j] = hp·inv_freq[j] for j < Q, wp·inv_freq[j − Q] for Q ≤ j < 2Q = D/2
//   x'[j] = x[j]·cos − x[j + D/2]·sin,  x'[j + D/2] = x[j + D/2]·cos + x[j]·sin   (rotate_half pairs)
// f32 throughout (HF upcasts q/k to f32 and uses f32 cos/sin here); cos/sin from common/trig.wgsl.
// Bindings:
//   qkv       array<f32>  [rows][3·HIDDEN] = [q | k | v], head h = columns h·D .. h·D + D − 1 of each third;
//                         rows already in window order. q and k are rotated in place, v is not touched.
//   coords    array<i32>  [rows][2] = (hp, wp) of each row (same order as qkv)
//   inv_freq  array<f32>  [D/4]
// Invocation: one per (row, head slot, quad): slots 0..H-1 are q heads, H..2H-1 k heads; a quad is dims
// {2i, 2i+1} and their partners {2i + D/2, 2i+1 + D/2}.
#include "common/grid.wgsl"
#include "common/trig.wgsl"

struct Params { rows: u32 }

override H: u32;
override D: u32;
override WG: u32 = 64;

@group(0) @binding(0) var<storage, read_write> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> coords: array<i32>;
@group(0) @binding(2) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn angle_sincos(r: u32, j: u32) -> vec2<f32> {
  let q = D / 4u;
  let c = coords[2u * r + select(1u, 0u, j < q)];
  return sincos_precise(f32(c) * inv_freq[j % q]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let quads = D / 4u;
  let idx = linear_workgroup(wid, nwg) * WG + lid;
  if (idx >= params.rows * 2u * H * quads) { return; }
  let r = idx / (2u * H * quads);
  let slot = (idx / quads) % (2u * H);
  let d = 2u * (idx % quads);
  let half = D / 2u;
  // q heads occupy columns [0, H·D), k heads the next H·D: slot·D covers both.
  let base = r * 3u * H * D + slot * D;
  let sc0 = angle_sincos(r, d);
  let sc1 = angle_sincos(r, d + 1u);
  let s = vec2<f32>(sc0.x, sc1.x);
  let c = vec2<f32>(sc0.y, sc1.y);
  let x = vec2<f32>(qkv[base + d], qkv[base + d + 1u]);
  let y = vec2<f32>(qkv[base + d + half], qkv[base + d + half + 1u]);
  let lo = x * c - y * s;
  let hi = y * c + x * s;
  qkv[base + d] = lo.x;
  qkv[base + d + 1u] = lo.y;
  qkv[base + d + half] = hi.x;
  qkv[base + d + half + 1u] = hi.y;
}
