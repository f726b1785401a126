// erf / erfc in f32 (WGSL has neither).
// erfc(z), z ≥ 0: t·exp(−z² + P(t)), t = 1 / (1 + z/2), with the Chebyshev-fitted P of Numerical Recipes §6.2
// (fractional error < 1.2e-7 for all z ≥ 0 in exact arithmetic), so erfc keeps its relative accuracy in the tail;
// z² is carried as an exact high part plus a small low part for the same reason.
// erf(z) for |z| < 0.5 uses its Maclaurin series to 6 terms (relative error < 3e-8) so it stays accurate near 0.
// erfc(z) for z ≥ 0 with z² given as sq_hi + sq_lo, sq_hi exactly representable: in the tail exp(−z²) is
// tiny and a rounded z² (error ~z²·2^-24 in the exponent) would cost relative accuracy.
fn erfc_nonneg_split(z: f32, sq_hi: f32, sq_lo: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
        + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(-sq_hi) * exp(p - sq_lo);
}

// The top 12 significant bits of v, so that high(v)² is exact in f32.
fn high12(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) & 0xfffff000u);
}

fn erfc_nonneg(z: f32) -> f32 {
  let zh = high12(z);
  return erfc_nonneg_split(z, zh * zh, (z - zh) * (z + zh));
}

fn erfc_f32(z: f32) -> f32 {
  let e = erfc_nonneg(abs(z));
  return select(e, 2.0 - e, z < 0.0);
}

fn erf_f32(z: f32) -> f32 {
  if (abs(z) < 0.5) {
    let z2 = z * z;
    // 2/√π · z · (1 − z²/3 + z⁴/10 − z⁶/42 + z⁸/216 − z¹⁰/1320)
    let s = 1.0 + z2 * (-1.0 / 3.0 + z2 * (0.1 + z2 * (-1.0 / 42.0 + z2 * (1.0 / 216.0 - z2 / 1320.0))));
    return 1.1283791670955126 * z * s;
  }
  return 1.0 - erfc_f32(z);
}
