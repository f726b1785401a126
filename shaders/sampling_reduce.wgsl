// Sampler reduction of the block bests (sampling_block.wgsl) in one workgroup: best = max value, lowest id on ties.
//   default: start a sampling step — state = { max, argmax, keep_key 0 (all), radix prefix 0, k_rem = top_k,
//            mass above 0 } and zero the radix histogram.
//   #if FINAL: the chosen id → result[0], result[1] = 1 if it is a stop id else 0, and the id is added to the
//            seen mask (repetition penalty of later steps).
// Bindings: partials array<vec2<u32>> [blocks]; params; FINAL: result array<u32> [2], seen array<u32>,
//   stop_ids array<u32> [≥ n_stop]; default: state SamplerState, hist array<u32> [512].
#include "common/sampling.wgsl"
#include "common/argmax.wgsl"


const WG: u32 = 256u;
const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<storage, read> partials: array<vec2<u32>>;
@group(0) @binding(1) var<uniform> params: Params;
#if FINAL
@group(0) @binding(2) var<storage, read_write> result: array<u32>;
@group(0) @binding(3) var<storage, read_write> seen: array<u32>;
@group(0) @binding(4) var<storage, read> stop_ids: array<u32>;
#else
@group(0) @binding(2) var<storage, read_write> state: SamplerState;
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;
#endif


@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  var bv = 0.0;
  var bi = NONE;
  for (var b = lid; b < params.blocks; b += WG) {
    let p = partials[b];
    if (better(bitcast<f32>(p.x), p.y, bv, bi)) {
      bv = bitcast<f32>(p.x);
      bi = p.y;
    }
  }
  argmax_workgroup(lid, bv, bi);
#if FINAL
  if (lid == 0u) {
    let id = best_i[0];
    result[0] = id;
    var stopped = 0u;
    for (var k = 0u; k < params.n_stop; k++) {
      if (stop_ids[k] == id) { stopped = 1u; }
    }
    result[1] = stopped;
    seen[id >> 5u] = seen[id >> 5u] | (1u << (id & 31u));
  }
#else
  if (lid == 0u) {
    state.max_bits = bitcast<u32>(best_v[0]);
    state.argmax = best_i[0];
    state.keep_key = 0u;
    state.prefix = 0u;
    state.k_rem = params.top_k;
    state.above_lo = 0u;
    state.above_hi = 0u;
    state.mass_target = 0.0;
  }
  for (var e = lid; e < 512u; e += WG) { hist[e] = 0u; }
#endif
}
