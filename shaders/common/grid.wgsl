// Linear workgroup id for grids laid out by linearGrid() (x first, then y past the 65535 per-dimension limit).
fn linear_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}
