// Pure aggregations of a run's attention tap (definitions: ARCHITECTURE.md §15, "Inspector: the pure logic").
// Inputs are the run store's token-major typed arrays and their dimensions, nothing else:
//   headMass  [tokens × heads]          per-head video mass m_h(t)
//   pairMass  [tokens × pairs]          head-mean per-pair mass M_t(g)
//   videoRows [tokens × videoLen]       head-mean row over the video span, raster order (pair, merged row,
//                                       merged col); Float32Array, or Uint16Array holding IEEE f16 bits; either
//                                       contiguous or as an accessor t → that token's row (VideoRowSource)
//   segments  [tokens × 5]              head-mean masses on sink, system, video, question, generated
//
// Public functions:
//   mergedGrid(grid, mergeSize = 2): MergedGrid                     merged-grid dimensions of video_grid_thw
//   f16BitsToFloat(bits): number                                    one f16 value (table lookup)
//   rowValue(rows, index): number                                   one element of a f32 or f16-bits array
//   pairProfile(pairMass, pairs, token, out?): Float32Array         M_t(·) of one token
//   videoRowOf(source, videoLen, token): [array, offset]            where token t's row starts, either storage
//   spatialMap(videoRows, grid, token, pair, out?): Float32Array    [rows × cols] map of pair g for token t
//   spanMean(data, width, from, to, out?): Float32Array             mean over tokens [from, to) of a [tokens × width] array
//   spanVideoRow(videoRows, videoLen, from, to, out?): Float32Array  mean video row over tokens [from, to)
//   spanSpatialMap(videoRows, grid, from, to, pair, out?)           span-mean map of one pair
//   class SpanAccumulator                                           a span mean kept up to date as its span grows
//   headVideoMass(headMass, heads, token, selection): number        video mass under mean / max / subset of heads
//   headVideoMassSeries(headMass, heads, tokens, selection, out?)   the same for tokens [0, tokens)
//   vasAttn(headMass, heads, token): number                         VAS-attn(t) = mean over heads of m_h(t)
//   runVasAttn(values, labels, tokens, selection): {mean, count}    mean over the selected tokens (think/answer/all)
//   temporalSpread(profile, from = 0, len = profile.length): Spread entropy and effective number of pairs
//   tokenSpread(pairMass, pairs, token): Spread                     the same for one token of the run
//   effectivePairsSeries(pairMass, pairs, tokens, out?)             exp(H_t) for tokens [0, tokens)
//   topPair(pairMass, pairs, token): number                         the pair with most mass (earliest on ties; −1 if none)
import { f16Table } from '../lib/f16';
import { checkToken, tokenSeries } from './token-rows';
export const MERGE_SIZE = 2;

export interface GridThw {
  t: number;
  h: number;
  w: number;
}

/** The merged grid the LLM sees: `pairs` temporal patches of `rows × cols` tokens, `perPair` = rows·cols. */
export interface MergedGrid {
  pairs: number;
  rows: number;
  cols: number;
  perPair: number;
  videoLen: number;
}

/** Video-row storage: float32 values, or IEEE half-precision bit patterns. */
export type VideoRows = Float32Array | Uint16Array;
/** Contiguous [tokens × videoLen] rows, or an accessor returning token t's row (length videoLen; it throws for a token not stored). */
export type VideoRowSource = VideoRows | ((token: number) => VideoRows);

export type HeadSelection = { kind: 'mean' } | { kind: 'max' } | { kind: 'subset'; heads: readonly number[] };

/** Token section codes, as `tokenSections` (spans.ts) writes them. */
export const SECTION_CODE = { text: 0, think: 1, answer: 2 } as const;
export type TokenSelection = 'think' | 'answer' | 'all';

export interface Spread {
  /** Natural-log entropy of p(g) = M(g)/ΣM; NaN when the profile has no mass. */
  entropy: number;
  /** exp(entropy), in [1, pairs]; NaN when the profile has no mass. */
  effectivePairs: number;
}

export function mergedGrid(grid: GridThw, mergeSize = MERGE_SIZE): MergedGrid {
  for (const [k, v] of Object.entries(grid))
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`mergedGrid: video_grid_thw.${k} = ${v} is not a positive integer`);
  if (grid.h % mergeSize || grid.w % mergeSize)
    throw new Error(`mergedGrid: grid ${grid.h}×${grid.w} patches does not merge ${mergeSize}×${mergeSize}`);
  const rows = grid.h / mergeSize;
  const cols = grid.w / mergeSize;
  return { pairs: grid.t, rows, cols, perPair: rows * cols, videoLen: grid.t * rows * cols };
}

export function f16BitsToFloat(bits: number): number {
  return f16Table()[bits & 0xffff]!;
}

export function rowValue(rows: VideoRows, index: number): number {
  return rows instanceof Uint16Array ? f16Table()[rows[index]!]! : rows[index]!;
}

export function pairProfile(
  pairMass: Float32Array,
  pairs: number,
  token: number,
  out = new Float32Array(pairs),
): Float32Array {
  checkToken('pairProfile', pairMass, pairs, token);
  out.set(pairMass.subarray(token * pairs, (token + 1) * pairs));
  return out;
}

export function videoRowOf(source: VideoRowSource, videoLen: number, token: number): [VideoRows, number] {
  if (typeof source === 'function') {
    const row = source(token);
    if (row.length < videoLen)
      throw new Error(`video row of token ${token} has ${row.length} values, the grid needs ${videoLen}`);
    return [row, 0];
  }
  checkToken('video rows', source, videoLen, token);
  return [source, token * videoLen];
}

/** n values of `src` from `at` into out[0..n), widening f16 bits. */
function readInto(src: VideoRows, at: number, n: number, out: Float32Array): void {
  if (src instanceof Uint16Array) {
    const lut = f16Table();
    for (let i = 0; i < n; i++) out[i] = lut[src[at + i]!]!;
  } else out.set(src.subarray(at, at + n));
}

function addInto(src: VideoRows, at: number, n: number, acc: Float64Array): void {
  if (src instanceof Uint16Array) {
    const lut = f16Table();
    for (let i = 0; i < n; i++) acc[i]! += lut[src[at + i]!]!;
  } else for (let i = 0; i < n; i++) acc[i]! += src[at + i]!;
}

function checkPair(fn: string, grid: MergedGrid, pair: number): void {
  if (pair < 0 || pair >= grid.pairs) throw new Error(`${fn}: pair ${pair} is outside 0..${grid.pairs - 1}`);
}

export function spatialMap(
  videoRows: VideoRowSource,
  grid: MergedGrid,
  token: number,
  pair: number,
  out = new Float32Array(grid.perPair),
): Float32Array {
  checkPair('spatialMap', grid, pair);
  const [row, base] = videoRowOf(videoRows, grid.videoLen, token);
  // Raster order: the pair's rows·cols tokens are contiguous, row-major (merged row, merged col).
  readInto(row, base + pair * grid.perPair, grid.perPair, out);
  return out;
}

/** Mean over tokens [from, to) of a token-major [tokens × width] array (f32 or f16 bits), into `out` [width]. */
export function spanMean(
  data: VideoRows,
  width: number,
  from: number,
  to: number,
  out = new Float32Array(width),
): Float32Array {
  if (!(from >= 0 && to > from && to * width <= data.length))
    throw new Error(
      `spanMean: token range [${from}, ${to}) is empty or outside the ${Math.floor(data.length / width)} tokens stored`,
    );
  const acc = new Float64Array(width);
  for (let t = from; t < to; t++) addInto(data, t * width, width, acc);
  const n = to - from;
  for (let i = 0; i < width; i++) out[i] = acc[i]! / n;
  return out;
}

/** Mean of the video rows of tokens [from, to) (the span's aggregated map over every pair). */
export function spanVideoRow(
  videoRows: VideoRowSource,
  videoLen: number,
  from: number,
  to: number,
  out = new Float32Array(videoLen),
): Float32Array {
  return spanRows(videoRows, videoLen, from, to, 0, videoLen, out);
}

export function spanSpatialMap(
  videoRows: VideoRowSource,
  grid: MergedGrid,
  from: number,
  to: number,
  pair: number,
  out = new Float32Array(grid.perPair),
): Float32Array {
  checkPair('spanSpatialMap', grid, pair);
  return spanRows(videoRows, grid.videoLen, from, to, pair * grid.perPair, grid.perPair, out);
}

function spanRows(
  videoRows: VideoRowSource,
  videoLen: number,
  from: number,
  to: number,
  offset: number,
  n: number,
  out: Float32Array,
): Float32Array {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to > from))
    throw new Error(`span: token range [${from}, ${to}) is empty`);
  const acc = new Float64Array(n);
  for (let t = from; t < to; t++) {
    const [row, base] = videoRowOf(videoRows, videoLen, t);
    addInto(row, base + offset, n, acc);
  }
  for (let i = 0; i < n; i++) out[i] = acc[i]! / (to - from);
  return out;
}

/**
 * The mean over a token span of [tokens × width] rows (video rows, or per-pair masses with width = pairs), updated
 * incrementally: while the span keeps its start and only grows (all of <think> while it streams), `update` adds
 * just the new tokens' rows; any other change starts over.
 */
export class SpanAccumulator {
  private readonly sum: Float64Array;
  private from = 0;
  private to = 0;

  constructor(readonly width: number) {
    this.sum = new Float64Array(width);
  }

  get span(): [number, number] {
    return [this.from, this.to];
  }

  /**
   * Brings the sum to tokens [from, to), adding at most `maxTokens` rows per call (so a long span on a re-opened run
   * can be spread over frames); returns true once the span is complete. `span` says how far it got.
   */
  update(rows: VideoRowSource, from: number, to: number, maxTokens = Infinity): boolean {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to >= from))
      throw new Error(`SpanAccumulator: bad token range [${from}, ${to})`);
    if (maxTokens < 1) throw new Error(`SpanAccumulator: maxTokens ${maxTokens} must be at least 1`);
    if (from !== this.from || to < this.to) {
      this.sum.fill(0);
      this.from = this.to = from;
    }
    const stop = Math.min(to, this.to + maxTokens);
    for (let t = this.to; t < stop; t++) {
      const [row, base] = videoRowOf(rows, this.width, t);
      addInto(row, base, this.width, this.sum);
    }
    this.to = stop;
    return stop === to;
  }

  /** The span mean (zeros for an empty span). */
  mean(out = new Float32Array(this.width)): Float32Array {
    const n = this.to - this.from;
    for (let i = 0; i < this.width; i++) out[i] = n ? this.sum[i]! / n : 0;
    return out;
  }
}

function checkSelection(heads: number, sel: HeadSelection): void {
  if (sel.kind !== 'subset') return;
  if (sel.heads.length === 0) throw new Error('head selection: the chosen subset is empty');
  for (const h of sel.heads)
    if (!Number.isInteger(h) || h < 0 || h >= heads)
      throw new Error(`head selection: head ${h} is outside 0..${heads - 1}`);
}

function selectAt(headMass: Float32Array, base: number, heads: number, sel: HeadSelection): number {
  if (sel.kind === 'max') {
    let m = -Infinity;
    for (let h = 0; h < heads; h++) m = Math.max(m, headMass[base + h]!);
    return m;
  }
  let s = 0;
  if (sel.kind === 'mean') {
    for (let h = 0; h < heads; h++) s += headMass[base + h]!;
    return s / heads;
  }
  for (const h of sel.heads) s += headMass[base + h]!;
  return s / sel.heads.length;
}

/** Video mass of one token under a head selection: mean (= VAS-attn), max, or the mean over a chosen subset. */
export function headVideoMass(headMass: Float32Array, heads: number, token: number, selection: HeadSelection): number {
  checkToken('headVideoMass', headMass, heads, token);
  checkSelection(heads, selection);
  return selectAt(headMass, token * heads, heads, selection);
}

export function headVideoMassSeries(
  headMass: Float32Array,
  heads: number,
  tokens: number,
  selection: HeadSelection,
  out = new Float32Array(tokens),
): Float32Array {
  checkSelection(heads, selection);
  const mass = (t: number) => selectAt(headMass, t * heads, heads, selection);
  return tokenSeries('headVideoMassSeries', headMass, heads, tokens, out, mass);
}

export function vasAttn(headMass: Float32Array, heads: number, token: number): number {
  return headVideoMass(headMass, heads, token, { kind: 'mean' });
}

/** Mean of per-token `values` over tokens [0, tokens) whose section code matches `selection`; NaN when none. */
export function runVasAttn(
  values: ArrayLike<number>,
  labels: Uint8Array,
  tokens: number,
  selection: TokenSelection,
): { mean: number; count: number } {
  const want = selection === 'all' ? -1 : SECTION_CODE[selection];
  let s = 0;
  let n = 0;
  for (let t = 0; t < tokens; t++) {
    if (want >= 0 && labels[t] !== want) continue;
    const v = values[t]!;
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return { mean: n ? s / n : NaN, count: n };
}

export function temporalSpread(profile: ArrayLike<number>, from = 0, len = profile.length - from): Spread {
  let total = 0;
  for (let g = 0; g < len; g++) total += Math.max(0, profile[from + g]!);
  if (!(total > 0)) return { entropy: NaN, effectivePairs: NaN };
  let h = 0;
  for (let g = 0; g < len; g++) {
    const p = Math.max(0, profile[from + g]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return { entropy: h, effectivePairs: Math.exp(h) };
}

export function tokenSpread(pairMass: Float32Array, pairs: number, token: number): Spread {
  checkToken('tokenSpread', pairMass, pairs, token);
  return temporalSpread(pairMass, token * pairs, pairs);
}

export function effectivePairsSeries(
  pairMass: Float32Array,
  pairs: number,
  tokens: number,
  out = new Float32Array(tokens),
): Float32Array {
  const spread = (t: number) => temporalSpread(pairMass, t * pairs, pairs).effectivePairs;
  return tokenSeries('effectivePairsSeries', pairMass, pairs, tokens, out, spread);
}

export function topPair(pairMass: Float32Array, pairs: number, token: number): number {
  checkToken('topPair', pairMass, pairs, token);
  let best = -1;
  let max = 0;
  for (let g = 0; g < pairs; g++) {
    const v = pairMass[token * pairs + g]!;
    if (v > max) [best, max] = [g, v];
  }
  return best;
}
