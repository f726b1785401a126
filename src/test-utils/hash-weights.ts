// Counter-based hash PRNG shared bit for bit with tools/reference/vr2ref/hash_prng.py (ARCHITECTURE.md §5) and
// the GPU generator (shaders/hash_fill.wgsl). It defines the weights and inputs of the 7B-shaped slice goldens
// (too large to commit) and of the tiny checkpoint, so a test can regenerate any tensor element by element, in
// any order, with no state. The code (and the formula) lives in src/lib/hash-prng.ts, which the benchmark's
// synthetic weights also use; tests import it from here.
export {
  bf16BitsToF32,
  f32ToBf16Bits,
  fnv1a32,
  hashBf16,
  hashBf16Range,
  hashF32,
  hashU32,
  mix32,
  streamKey,
  type HashTensorSpec,
} from '../lib/hash-prng';
