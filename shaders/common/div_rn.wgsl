// Correctly rounded f32 division (round to nearest, ties to even) for b > 0. WGSL's `/` may be off by 2.5 ulp,
// and the sampler must reproduce torch's `logit / penalty` and `logits / temperature` bit for bit (greedy decoding
// must be exactly HF's argmax). Integer long division of the 24-bit significands: 25 quotient bits (24 + guard)
// plus a sticky remainder. Subnormal inputs or results (|x| < 1.2e-38, never a logit) fall back to `a / b`.
fn div_rn(a: f32, b: f32) -> f32 {
  let ua = bitcast<u32>(a);
  let ub = bitcast<u32>(b);
  let ea = i32((ua >> 23u) & 0xffu);
  let eb = i32((ub >> 23u) & 0xffu);
  if (a == 0.0) { return a; }
  if (ea == 0 || ea == 255 || eb == 0 || eb == 255) { return a / b; }
  let mb = (ub & 0x7fffffu) | 0x800000u;
  var rem = (ua & 0x7fffffu) | 0x800000u;
  var e = ea - eb + 127;
  if (rem < mb) {
    rem = rem << 1u;
    e = e - 1;
  }
  var q = 0u;
  for (var i = 0u; i < 25u; i++) {
    q = q << 1u;
    if (rem >= mb) {
      rem = rem - mb;
      q = q | 1u;
    }
    rem = rem << 1u;
  }
  let guard = q & 1u;
  q = q >> 1u;
  if (guard == 1u && (rem != 0u || (q & 1u) == 1u)) { q = q + 1u; }
  if (q == 0x1000000u) {
    q = q >> 1u;
    e = e + 1;
  }
  if (e <= 0 || e >= 255) { return a / b; }
  return bitcast<f32>((ua & 0x80000000u) | (u32(e) << 23u) | (q & 0x7fffffu));
}
