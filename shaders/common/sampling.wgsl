// Shared by the sampling kernels: their parameters, the sampler state, order-preserving keys, the counter-based RNG.

// The sampler's uniform block (kernels/sampling.ts: n, blocks, penalty, temperature, top_k, top_p, seed, step, n_stop).
struct Params {
  n: u32,
  blocks: u32,
  penalty: f32,
  temperature: f32,
  top_k: u32,
  top_p: f32,
  seed: u32,
  step: u32,
  n_stop: u32,
}

// Written by the single-workgroup passes (sampling_reduce / sampling_select), read by the block passes.
struct SamplerState {
  max_bits: u32,    // f32 bits of max_i x_i (x = processed logits)
  argmax: u32,      // lowest id holding that max
  keep_key: u32,    // tokens with key(x) >= keep_key survive top-k / top-p (0 = all)
  prefix: u32,      // radix select in progress: digits found so far
  k_rem: u32,       // top-k: rank still to find inside the current prefix
  above_lo: u32,    // top-p: fixed-point mass of kept tokens above the current prefix (u64 lo/hi)
  above_hi: u32,
  mass_target: f32,      // top-p: p · (mass of the top-k set), same fixed-point units as the histograms
}

// Monotone map f32 → u32: a < b ⇔ key(a) < key(b) (for non-NaN values).
fn order_key(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

// PCG hash (O'Neill's RXS-M-XS output): one draw per (seed, step, id), independent of dispatch shape.
fn pcg_hash(v: u32) -> u32 {
  let s = v * 747796405u + 2891336453u;
  let w = ((s >> ((s >> 28u) + 4u)) ^ s) * 277803737u;
  return (w >> 22u) ^ w;
}

// Uniform in (0, 1), 24 bits.
fn uniform01(seed: u32, step: u32, id: u32) -> f32 {
  let h = pcg_hash(id ^ pcg_hash(seed ^ pcg_hash(step)));
  return (f32(h >> 8u) + 0.5) * (1.0 / 16777216.0);
}

// Mass weight exp(x − max) as 64-bit fixed point (2^40 = 1.0): (lo, hi). Sums of up to 2^24 weights fit, and
// integer sums are exact and independent of summation order (so the top-p cut is deterministic).
fn mass_fixed(w: f32) -> vec2<u32> {
  let scaled = w * 256.0; // hi word holds units of 2^32 / 2^40 = 1/256
  let hi = u32(floor(scaled));
  let lo = u32((scaled - f32(hi)) * 4294967296.0);
  return vec2<u32>(lo, hi);
}

fn fixed_to_f32(lo: u32, hi: u32) -> f32 {
  return (f32(hi) * 4294967296.0 + f32(lo)) * (1.0 / 1099511627776.0);
}
