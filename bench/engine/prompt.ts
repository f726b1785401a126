// The bench prompt: seeded random ids from the ordinary-token range (below <|endoftext|> = 151643), so no id is a
// special token and both engines see exactly the same sequence.
export const FIRST_SPECIAL_ID = 151643;

export function benchPromptIds(length: number, seed: number): Int32Array {
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const ids = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    ids[i] = s % FIRST_SPECIAL_ID;
  }
  return ids;
}

/** Index of the largest value (first on ties), as HF's greedy argmax. */
export function argmax(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
}

/** max |a − b| / max |b|. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
