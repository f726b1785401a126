// Radix-select histogram pass (one 8-bit digit of the order key, most significant first), 1024 ids per workgroup.
// Participants: key(x_i) ≥ state.keep_key and key(x_i) agrees with state.prefix on the digits already chosen.
//   default (top-k): hist[digit] += 1
//   #if MASS (top-p): hist[2·digit], hist[2·digit + 1] += exp(x_i − max) as 64-bit fixed point (lo, hi) with an
//     explicit carry — exact integer sums, so the cut does not depend on the order atomics land in.
// Counts/masses are gathered in workgroup atomics, then added to the global histogram (zeroed by the previous
// pass). Bindings: work array<f32> [n]; state SamplerState; hist array<atomic<u32>> [512]; params; level.
#include "common/grid.wgsl"
#include "common/sampling.wgsl"

struct Level { level: u32 }

const WG: u32 = 256u;
const PER: u32 = 4u;

@group(0) @binding(0) var<storage, read> work: array<f32>;
@group(0) @binding(1) var<storage, read> state: SamplerState;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>, 512>;
@group(0) @binding(3) var<uniform> params: Params;
@group(0) @binding(4) var<uniform> lv: Level;

var<workgroup> local_hist: array<atomic<u32>, 512>;

fn add64(h: ptr<workgroup, array<atomic<u32>, 512>>, bin: u32, v: vec2<u32>) {
  let old = atomicAdd(&(*h)[2u * bin], v.x);
  let carry = select(0u, 1u, old + v.x < old);
  atomicAdd(&(*h)[2u * bin + 1u], v.y + carry);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let blk = linear_workgroup(wid, nwg);
  if (blk >= params.blocks) { return; }
  for (var e = lid; e < 512u; e += WG) { atomicStore(&local_hist[e], 0u); }
  workgroupBarrier();
  let shift = 24u - 8u * lv.level;
  let keep = state.keep_key;
  let prefix = state.prefix;
  let mx = bitcast<f32>(state.max_bits);
  for (var t = 0u; t < PER; t++) {
    let i = blk * WG * PER + t * WG + lid;
    if (i >= params.n) { break; }
    let x = work[i];
    let key = order_key(x);
    if (key < keep) { continue; }
    if (lv.level > 0u && (key >> (shift + 8u)) != (prefix >> (shift + 8u))) { continue; }
    let digit = (key >> shift) & 0xffu;
#if MASS
    add64(&local_hist, digit, mass_fixed(exp(x - mx)));
#else
    atomicAdd(&local_hist[digit], 1u);
#endif
  }
  workgroupBarrier();
  for (var b = lid; b < 256u; b += WG) {
#if MASS
    let lo = atomicLoad(&local_hist[2u * b]);
    let hi = atomicLoad(&local_hist[2u * b + 1u]);
    if (lo != 0u || hi != 0u) {
      let old = atomicAdd(&hist[2u * b], lo);
      let carry = select(0u, 1u, old + lo < old);
      atomicAdd(&hist[2u * b + 1u], hi + carry);
    }
#else
    let c = atomicLoad(&local_hist[b]);
    if (c != 0u) { atomicAdd(&hist[b], c); }
#endif
  }
}
