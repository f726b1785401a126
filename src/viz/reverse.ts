// The reverse view: for a frame pair or one patch (merged cell) of one pair, the tokens that attended to it most.
//
// Public functions:
//   topTokensForPair(pairMass, pairs, tokens, pair, k, options?): RankedToken[]
//   topTokensForPatch(videoRows, grid, tokens, pair, row, col, k, options?): RankedToken[]
//   topK(score, tokens, k, options?): RankedToken[]     the ranking both use, for any per-token score
// Ranked by value, descending; ties keep token order (earlier first). NaN values never rank.
import { f16BitsToFloat, videoRowOf, type MergedGrid, type VideoRowSource } from './attention';
import { checkTokenCount } from './token-rows';

export interface RankedToken {
  token: number;
  value: number;
}

export interface RankOptions {
  /** Only tokens with include[t] !== 0 rank (e.g. a section mask); default all. */
  include?: ArrayLike<number>;
  /** Multiply each token's value by scale[t] first (e.g. the sink-correction factors); NaN scales drop the token. */
  scale?: ArrayLike<number>;
}

/** The k highest score(t) over tokens [0, tokens), kept in a sorted array of at most k entries (k is small). */
export function topK(
  score: (t: number) => number,
  tokens: number,
  k: number,
  options: RankOptions = {},
): RankedToken[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`topK: k = ${k} must be a positive integer`);
  const { include, scale } = options;
  const out: RankedToken[] = [];
  for (let t = 0; t < tokens; t++) {
    if (include && !include[t]) continue;
    const v = scale ? score(t) * scale[t]! : score(t);
    if (Number.isNaN(v)) continue;
    if (out.length === k && v <= out[k - 1]!.value) continue;
    let i = out.length < k ? out.length : k - 1;
    if (out.length < k) out.push({ token: t, value: v });
    else out[i] = { token: t, value: v };
    // Insertion step: strictly greater moves up, so earlier tokens win ties.
    while (i > 0 && out[i - 1]!.value < v) {
      [out[i - 1], out[i]] = [out[i]!, out[i - 1]!];
      i--;
    }
  }
  return out;
}

export function topTokensForPair(
  pairMass: Float32Array,
  pairs: number,
  tokens: number,
  pair: number,
  k: number,
  options?: RankOptions,
): RankedToken[] {
  if (pair < 0 || pair >= pairs) throw new Error(`topTokensForPair: pair ${pair} is outside 0..${pairs - 1}`);
  checkTokenCount('topTokensForPair', pairMass, pairs, tokens);
  return topK((t) => pairMass[t * pairs + pair]!, tokens, k, options);
}

export function topTokensForPatch(
  videoRows: VideoRowSource,
  grid: MergedGrid,
  tokens: number,
  pair: number,
  row: number,
  col: number,
  k: number,
  options?: RankOptions,
): RankedToken[] {
  if (pair < 0 || pair >= grid.pairs || row < 0 || row >= grid.rows || col < 0 || col >= grid.cols) {
    throw new Error(
      `topTokensForPatch: cell (pair ${pair}, row ${row}, col ${col}) is outside the ${grid.pairs}×${grid.rows}×${grid.cols} merged grid`,
    );
  }
  const offset = pair * grid.perPair + row * grid.cols + col;
  return topK(
    (t) => {
      const [r, base] = videoRowOf(videoRows, grid.videoLen, t);
      return r instanceof Uint16Array ? f16BitsToFloat(r[base + offset]!) : r[base + offset]!;
    },
    tokens,
    k,
    options,
  );
}
