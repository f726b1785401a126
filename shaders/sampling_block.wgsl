// Sampler block pass over the vocabulary, 1024 ids per workgroup (256 invocations × 4 strided ids), writing each
// block's best (value, id) — ties to the lowest id — for sampling_reduce.wgsl.
//   default (prepare): x_i = logit_i, then for ids in the seen mask (every id of the context: prompt, video pads,
//     generated) x_i = x_i < 0 ? x_i·penalty : x_i / penalty  (HF RepetitionPenaltyLogitsProcessor, correctly
//     rounded f32 as torch computes it); #if SAMPLE then x_i = x_i / temperature and x is stored in `work`.
//     The block best is argmax x (greedy: exactly HF's argmax of the penalised f32 logits).
//   #if DRAW: Gumbel-max draw over the kept set — y_i = x_i − log(−log u(seed, step, i)) for key(x_i) ≥ keep_key,
//     block best = argmax y. argmax_i y_i is distributed as softmax(x) restricted to the kept set (multinomial).
// Bindings: logits array<f32> [n] (prepare) | work array<f32> [n]; seen array<u32> [ceil(n/32)] (prepare);
//   state SamplerState (DRAW); partials array<vec2<u32>> [blocks] = (f32 bits, id); params.
#include "common/grid.wgsl"
#include "common/sampling.wgsl"
#include "common/argmax.wgsl"
#include "common/div_rn.wgsl"


const WG: u32 = 256u;
const PER: u32 = 4u;
const NONE: u32 = 0xffffffffu;

#if DRAW
@group(0) @binding(0) var<storage, read> work: array<f32>;
@group(0) @binding(1) var<storage, read> state: SamplerState;
#else
@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> seen: array<u32>;
#if SAMPLE
@group(0) @binding(4) var<storage, read_write> work: array<f32>;
#endif
#endif
@group(0) @binding(2) var<storage, read_write> partials: array<vec2<u32>>;
@group(0) @binding(3) var<uniform> params: Params;


@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let blk = linear_workgroup(wid, nwg);
  if (blk >= params.blocks) { return; }
  var bv = 0.0;
  var bi = NONE;
  for (var t = 0u; t < PER; t++) {
    let i = blk * WG * PER + t * WG + lid;
    if (i >= params.n) { break; }
#if DRAW
    let x = work[i];
    if (order_key(x) < state.keep_key) { continue; }
    let y = x - log(-log(uniform01(params.seed, params.step, i)));
#else
    var y = logits[i];
    if (((seen[i >> 5u] >> (i & 31u)) & 1u) == 1u) {
      y = select(div_rn(y, params.penalty), y * params.penalty, y < 0.0);
    }
#if SAMPLE
    y = div_rn(y, params.temperature);
    work[i] = y;
#endif
#endif
    if (better(y, i, bv, bi)) {
      bv = y;
      bi = i;
    }
  }
  argmax_workgroup(lid, bv, bi);
  if (lid == 0u) { partials[blk] = vec2<u32>(bitcast<u32>(best_v[0]), best_i[0]); }
}
