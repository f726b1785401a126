// Workgroup argmax shared by the sampler's block and final passes: the largest value, ties to the lowest id,
// NONE = no candidate. The including file defines WG (a power of two) and NONE.
var<workgroup> best_v: array<f32, WG>;
var<workgroup> best_i: array<u32, WG>;

fn better(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return i != NONE && (bi == NONE || v > bv || (v == bv && i < bi));
}

// Every invocation offers (bv, bi); afterwards best_v[0] / best_i[0] hold the workgroup's best (invocation 0 may
// read them at once; others after a barrier). Must be called in uniform control flow.
fn argmax_workgroup(lid: u32, bv: f32, bi: u32) {
  best_v[lid] = bv;
  best_i[lid] = bi;
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    workgroupBarrier();
    if (lid < s && better(best_v[lid + s], best_i[lid + s], best_v[lid], best_i[lid])) {
      best_v[lid] = best_v[lid + s];
      best_i[lid] = best_i[lid + s];
    }
  }
}
