// Bounds checks for per-token arrays stored as [tokens × width] (row t at t · width), with messages that name
// the caller and how many tokens are stored.

/** Throws unless `token` is a whole index whose row lies inside `data`. */
export function checkToken(fn: string, data: ArrayLike<number>, width: number, token: number): void {
  if (!Number.isInteger(token) || token < 0 || (token + 1) * width > data.length)
    throw new Error(`${fn}: token ${token} is outside the ${Math.floor(data.length / width)} tokens stored`);
}

/** Throws unless the first `tokens` rows lie inside `data`. */
export function checkTokenCount(fn: string, data: ArrayLike<number>, width: number, tokens: number): void {
  if (tokens * width > data.length)
    throw new Error(`${fn}: ${tokens} tokens requested, ${Math.floor(data.length / width)} stored`);
}

/** A per-token series: out[t] = value(t) for tokens [0, tokens), once `data` is checked to hold them. */
export function tokenSeries(
  fn: string,
  data: ArrayLike<number>,
  width: number,
  tokens: number,
  out: Float32Array,
  value: (t: number) => number,
): Float32Array {
  checkTokenCount(fn, data, width, tokens);
  for (let t = 0; t < tokens; t++) out[t] = value(t);
  return out;
}
