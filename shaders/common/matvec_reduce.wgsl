// Workgroup layout and reduction shared by the matrix-vector kernels (quant_matvec, matvec16).
// 256 invocations = (256 / TPR) teams of TPR lanes; team t owns MV_ROWS consecutive output rows. Each lane walks
// the row's K in strides of TPR units and keeps MV_ROWS partial sums, reusing the x it loaded for every row.
// The partials then meet in workgroup memory and each row's TPR partials are added in lane order (deterministic). Workgroup memory: MV_ROWS * 256 * 4 = 4 KiB.
const MV_WG: u32 = 256u;
const MV_ROWS: u32 = 4u;
override TPR: u32 = 32;  // lanes per team: a power of two in [1, 256]; the wrapper picks it

var<workgroup> mv_partial: array<f32, 1024>;  // [MV_ROWS][MV_WG]

// Stores this lane's partials for mv_row_sum. Must be called in uniform control flow.
fn mv_store(lid: u32, acc: array<f32, 4>) {
  for (var r = 0u; r < MV_ROWS; r++) { mv_partial[r * MV_WG + lid] = acc[r]; }
  workgroupBarrier();
}

// The sum of the workgroup's row `slot` (team slot / MV_ROWS, row slot % MV_ROWS): its team's TPR partials in
// lane order. A workgroup has (MV_WG / TPR) * MV_ROWS rows, more than its invocations when TPR < MV_ROWS, so
// callers loop slot = lid, lid + MV_WG, ….
fn mv_row_sum(slot: u32) -> f32 {
  let team = slot / MV_ROWS;
  let r = slot % MV_ROWS;
  var s = 0.0;
  for (var l = 0u; l < TPR; l++) { s += mv_partial[r * MV_WG + team * TPR + l]; }
  return s;
}
