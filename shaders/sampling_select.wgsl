// Radix-select decision for one digit (one workgroup; invocation 0 walks the 256 bins from the top, then all
// invocations zero the histogram for the next pass).
//   default (top-k, k = state.k_rem on entry): the first bin from the top whose count reaches k_rem holds the k-th
//     largest key; descend into it. After the last digit, keep_key = that key: HF's top-k keeps every token
//     ≥ the k-th largest value (ties included).
//   #if MASS (top-p): at digit 0 mass_target = top_p · Z (Z = mass of the top-k set). A token survives iff the mass
//     strictly above it is < mass_target (HF's ascending-cumsum rule, ties kept together); the first bin from the top
//     whose cumulative mass reaches the mass_target holds the last survivor. After the last digit keep_key = its key.
// Bindings: state SamplerState; hist array<u32> [512]; level; params (MASS only).
#include "common/sampling.wgsl"

struct Level { level: u32 }

const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read_write> state: SamplerState;
@group(0) @binding(1) var<storage, read_write> hist: array<u32, 512>;
@group(0) @binding(2) var<uniform> lv: Level;
#if MASS
@group(0) @binding(3) var<uniform> params: Params;
#endif

fn add64(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
  let lo = a.x + b.x;
  return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let shift = 24u - 8u * lv.level;
  if (lid == 0u) {
    var digit = 0u;
#if MASS
    if (lv.level == 0u) {
      var z = vec2<u32>(0u, 0u);
      for (var b = 0u; b < 256u; b++) { z = add64(z, vec2<u32>(hist[2u * b], hist[2u * b + 1u])); }
      state.mass_target = params.top_p * fixed_to_f32(z.x, z.y);
      state.above_lo = 0u;
      state.above_hi = 0u;
    }
    var above = vec2<u32>(state.above_lo, state.above_hi);
    var found = false;
    var last_bin = 0u;
    var above_last = above;
    for (var k = 0u; k < 256u; k++) {
      let b = 255u - k;
      let m = vec2<u32>(hist[2u * b], hist[2u * b + 1u]);
      if (m.x == 0u && m.y == 0u) { continue; }
      let with_bin = add64(above, m);
      if (fixed_to_f32(with_bin.x, with_bin.y) >= state.mass_target) {
        digit = b;
        found = true;
        break;
      }
      last_bin = b;
      above_last = above;
      above = with_bin;
    }
    if (!found) {
      // Rounding left the whole remaining mass just under the mass_target: keep everything (the lowest bin).
      digit = last_bin;
      above = above_last;
    }
    state.above_lo = above.x;
    state.above_hi = above.y;
#else
    var k_rem = state.k_rem;
    for (var k = 0u; k < 256u; k++) {
      let b = 255u - k;
      let c = hist[b];
      if (c >= k_rem) {
        digit = b;
        break;
      }
      k_rem -= c;
    }
    state.k_rem = k_rem;
#endif
    let prefix = state.prefix | (digit << shift);
    if (lv.level == 3u) {
      state.keep_key = prefix;
      state.prefix = 0u; // a following radix (top-p after top-k) starts afresh
    } else {
      state.prefix = prefix;
    }
  }
  storageBarrier(); // invocation 0's histogram reads happen before anyone zeroes it
  for (var e = lid; e < 512u; e += WG) { hist[e] = 0u; }
}
