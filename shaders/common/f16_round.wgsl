// f32 → f16 rounding to nearest even, on integer bits only (exact regardless of how the GPU treats subnormals or
// rounds pack2x16float, which WGSL leaves implementation-defined).

// Magnitude bits (15 bits, 0x7c00 = inf) of f16_rne(|v|), given a = bitcast<u32>(|v|) for a finite or infinite v.
fn f16_rne_magnitude(a: u32) -> u32 {
  if (a >= 0x477ff000u) { return 0x7c00u; }            // |v| ≥ 65520 (the tie above 65504 rounds to even = inf)
  if (a >= 0x38800000u) {                               // |v| ≥ 2^-14: normal f16
    let v = a - 0x38000000u;                            // rebias the exponent from 127 to 15
    return (v + 0x0fffu + ((v >> 13u) & 1u)) >> 13u;    // RNE on the 13 dropped bits; a carry bumps the exponent
  }
  let e = a >> 23u;
  if (e < 102u) { return 0u; }                          // |v| < 2^-25 rounds to 0 (2^-25 itself ties to even 0)
  let mant = (a & 0x7fffffu) | 0x800000u;
  let shift = 126u - e;                                 // value in units of 2^-24 is mant >> shift (14..24)
  let q = mant >> shift;
  let rem = mant & ((1u << shift) - 1u);
  let half = 1u << (shift - 1u);
  return q + select(0u, 1u, rem > half || (rem == half && (q & 1u) == 1u));
}
