// Horizontal pass of PyTorch's antialiased bicubic resize (ATen runs the width pass first, then the height pass):
//   inter[c][y][x] = Σ_{j < count[x]} src[y][first[x] + j].c · w[x][j]
// summed in tap order as ATen's float loop does after FMA contraction: acc = x0·w0, acc = fma(xj, wj, acc),
// each step rounded once to f32 (exact_fma.wgsl, integer arithmetic, identical on every GPU).
// Bindings:
//   src     array<u32>        [bandRows × srcW]   RGBA8 pixels (R in the low byte) of rows bandRow0.. of the frame
//   taps    array<vec2<u32>>  [outW]              (first input column, tap count) per output column
//   weights array<u32>        [stride × outW]     f32 bits of the normalised tap weights, tap-major so the
//                                                 invocations of a row read consecutive words (resize-weights.ts)
//   inter   array<u32>        [3 × srcH × outW]   f32 bits, channel-planar: (c·srcH + y)·outW + x
//   params  { srcW, srcH, outW, bandRow0, bandRows, tilesX }
// Invocations: a workgroup owns TILE_X output columns × ROWS source rows (one output pixel, all 3 channels, per
// invocation). It stages the source span its columns read in workgroup memory with coalesced loads, CHUNK pixels
// per row at a time (a ×13 downscale of a 64-column tile reads ~890 pixels per row). Linear grid over
// (row group, column tile); row groups past the band return at once.
#include "common/grid.wgsl"
#include "preprocess/exact_fma.wgsl"

struct Params {
  src_w: u32,
  src_h: u32,
  out_w: u32,
  band_row0: u32,
  band_rows: u32,
  tiles_x: u32,
}

override TILE_X: u32 = 64;
override ROWS: u32 = 4;
override CHUNK: u32 = 768;

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read> taps: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> weights: array<u32>;
@group(0) @binding(3) var<storage, read_write> inter: array<u32>;
@group(0) @binding(4) var<uniform> params: Params;

var<workgroup> tile: array<u32, ROWS * CHUNK>;

@compute @workgroup_size(TILE_X, ROWS)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = linear_workgroup(wid, nwg);
  let group_row0 = (g / params.tiles_x) * ROWS;
  if (group_row0 >= params.band_rows) { return; }
  let col0 = (g % params.tiles_x) * TILE_X;
  let col_last = min(col0 + TILE_X, params.out_w) - 1u;
  let span_start = taps[col0].x;
  let span_end = taps[col_last].x + taps[col_last].y;

  let x = col0 + lid.x;
  let row = group_row0 + lid.y;
  let in_range = x < params.out_w && row < params.band_rows;
  var first = 0u;
  var count = 0u;
  if (in_range) {
    first = taps[x].x;
    count = taps[x].y;
  }
  var j = 0u;
  var acc = vec3<u32>(0u); // f32 bits of +0: fma(x0, w0, +0) is the rounded product ATen starts from
  let flat = lid.y * TILE_X + lid.x;
  for (var cs = span_start; cs < span_end; cs += CHUNK) {
    let ce = min(cs + CHUNK, span_end);
    workgroupBarrier();
    for (var k = flat; k < ROWS * CHUNK; k += TILE_X * ROWS) {
      let r = group_row0 + k / CHUNK;
      let col = cs + k % CHUNK;
      if (col < ce && r < params.band_rows) { tile[k] = src[r * params.src_w + col]; }
    }
    workgroupBarrier();
    loop {
      if (j >= count || first + j >= ce) { break; }
      let p = tile[lid.y * CHUNK + first + j - cs];
      let w = weights[j * params.out_w + x];
      acc = vec3<u32>(exact_fma_u8(p & 0xffu, w, acc.x), exact_fma_u8((p >> 8u) & 0xffu, w, acc.y), exact_fma_u8((p >> 16u) & 0xffu, w, acc.z));
      j += 1u;
    }
  }
  if (in_range) {
    let plane = params.src_h * params.out_w;
    let o = (params.band_row0 + row) * params.out_w + x;
    inter[o] = acc.x;
    inter[plane + o] = acc.y;
    inter[2u * plane + o] = acc.z;
  }
}
