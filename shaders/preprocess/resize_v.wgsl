// Vertical pass of the antialiased bicubic resize, then torchvision's uint8 output and the HF processor's
// rescale + normalise + patchify, fused so each resized pixel is written once:
//   v[c][y][x]  = Σ_{j < count[y]} inter[c][first[y] + j][x] · w[y][j]   (acc = x0·w0, acc = fma(xj, wj, acc), exact)
//   u8          = round_half_even(clamp(v, 0, 255))
//   resized[y][x] = RGBA8(u8.r, u8.g, u8.b, 255)
//   pixels[row][col] = lut[u8.c].c for every temporal slot tt set in tt_mask, where with
//     (hp, py) = divmod(y, PATCH), (wp, px) = divmod(x, PATCH), (bh, mh) = divmod(hp, MERGE), (bw, mw) = divmod(wp, MERGE):
//     row = row_base + ((bh · (out_w / PATCH / MERGE) + bw) · MERGE + mh) · MERGE + mw        (rows (t, bh, bw, mh, mw))
//     col = (c · TEMPORAL + tt) · PATCH² + py · PATCH + px                                    (Conv3d weight order)
// Bindings:
//   inter   array<u32>        [3 × src_h × out_w]  f32 bits from resize_h.wgsl
//   taps    array<vec2<u32>>  [out_h]              (first input row, tap count) per output row
//   weights array<u32>        [out_h × stride]     f32 bits of the tap weights
//   lut     array<vec4<f32>>  [256]                xyz = normalised R, G, B of a uint8 value (host-computed exactly as HF)
//   resized array<u32>        [out_h × out_w]      RGBA8 display copy of what the model sees
//   pixels  array<f32>        [rows × 3·TEMPORAL·PATCH²] the pixel_values chunk holding this frame's temporal patch
//   params  { out_w, out_h, src_h, stride, tiles_x, row_base, tt_mask }
// Invocations: one output pixel (3 channels) each; a workgroup is TILE_X columns × ROWS output rows, so the
// intermediate reads are coalesced along x and each row's weights are a broadcast. Linear grid.
#include "common/grid.wgsl"
#include "preprocess/exact_fma.wgsl"

struct Params {
  out_w: u32,
  out_h: u32,
  src_h: u32,
  stride: u32,
  tiles_x: u32,
  row_base: u32,
  tt_mask: u32,
}

override TILE_X: u32 = 64;
override ROWS: u32 = 4;
override PATCH: u32 = 14;
override MERGE: u32 = 2;
override TEMPORAL: u32 = 2;

@group(0) @binding(0) var<storage, read> inter: array<u32>;
@group(0) @binding(1) var<storage, read> taps: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> weights: array<u32>;
@group(0) @binding(3) var<storage, read> lut: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> resized: array<u32>;
@group(0) @binding(5) var<storage, read_write> pixels: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

fn to_u8(bits: u32) -> u32 {
  return u32(round(clamp(bitcast<f32>(bits), 0.0, 255.0))); // WGSL round() is half-to-even, like torch.round
}

@compute @workgroup_size(TILE_X, ROWS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = linear_workgroup(wid, nwg);
  let x = (g % params.tiles_x) * TILE_X + lid.x;
  let y = (g / params.tiles_x) * ROWS + lid.y;
  if (x >= params.out_w || y >= params.out_h) { return; }

  let first = taps[y].x;
  let count = taps[y].y;
  let plane = params.src_h * params.out_w;
  var acc = vec3<u32>(0u);
  for (var j = 0u; j < count; j += 1u) {
    let w = weights[y * params.stride + j];
    let o = (first + j) * params.out_w + x;
    acc = vec3<u32>(exact_fma(inter[o], w, acc.x), exact_fma(inter[plane + o], w, acc.y), exact_fma(inter[2u * plane + o], w, acc.z));
  }
  let r = to_u8(acc.x);
  let gch = to_u8(acc.y);
  let b = to_u8(acc.z);
  resized[y * params.out_w + x] = r | (gch << 8u) | (b << 16u) | 0xff000000u;

  let hp = y / PATCH;
  let wp = x / PATCH;
  let row = params.row_base + (((hp / MERGE) * (params.out_w / PATCH / MERGE) + wp / MERGE) * MERGE + hp % MERGE) * MERGE + wp % MERGE;
  let area = PATCH * PATCH;
  let row_len = 3u * TEMPORAL * area;
  let in_patch = (y % PATCH) * PATCH + x % PATCH;
  let v = vec3<f32>(lut[r].x, lut[gch].y, lut[b].z);
  for (var tt = 0u; tt < TEMPORAL; tt += 1u) {
    if (((params.tt_mask >> tt) & 1u) == 0u) { continue; }
    for (var c = 0u; c < 3u; c += 1u) {
      pixels[row * row_len + (c * TEMPORAL + tt) * area + in_patch] = v[c];
    }
  }
}
