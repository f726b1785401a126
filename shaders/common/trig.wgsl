// sin/cos accurate to ~1e-7 absolute for |a| < 2^17 (RoPE angles: position · inv_freq, positions < 131072).
// Native WGSL sin/cos only promise 2^-11 absolute inside [-π, π] and nothing outside it, which is far from the
// f32 reference (torch) at angles in the thousands. So: Cody–Waite reduction by π/2 with a 4-part constant
// whose first three parts have 7 significant bits (k < 2^17 ⇒ every k·C_i is exact in f32), then the cephes
// minimax polynomials on [-π/4, π/4]. Uses only +, −, × (correctly rounded in WGSL) and round().
// Measured against f64 over 2M random angles in (−2^17, 2^17) and all pos·inv_freq: max abs error 9.3e-8.

fn sincos_precise(a: f32) -> vec2<f32> {
  let k = round(a * 0.63661977236758134);
  var r = a - k * 1.5625;
  r = r - k * 0.0081787109375;
  r = r - k * 0.00011730194091796875;
  r = r - k * 3.1391647326017846e-07;
  let z = r * r;
  let s = r + r * z * ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1);
  let c = (1.0 - 0.5 * z) + z * z * ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2);
  let q = u32(i32(k) & 3);
  // Returns (sin a, cos a) by quadrant.
  switch q {
    case 0u: { return vec2<f32>(s, c); }
    case 1u: { return vec2<f32>(c, -s); }
    case 2u: { return vec2<f32>(-s, -c); }
    default: { return vec2<f32>(-c, s); }
  }
}
