// Per-run values the attention views share, derived from the run store's arrays with the pure functions of
// src/viz. Tokens are append-only, so everything per token (video mass under the head selection, sink scale,
// section label, map maxima) is computed once, when the token arrives, and kept per run and control key; a
// redraw only processes the tokens that arrived since the last one (per-frame work does not grow with the
// transcript). Span aggregates go through SpanAccumulator, which adds new tokens instead of re-summing.
import type { RunRecord } from '../../runs/run-record';
import {
  f16BitsToFloat,
  headVideoMassSeries,
  mergedGrid,
  spatialMap,
  SpanAccumulator,
  type HeadSelection,
  type MergedGrid,
  type VideoRowSource,
} from '../../viz/attention';
import { RunMaxima, sinkCorrectionScale } from '../../viz/segments';
import { splitSections, type Section } from '../../viz/sections';
import { tokenSections, tokenRangeForChars } from '../../viz/spans';
import { topK, topTokensForPair, type RankedToken } from '../../viz/reverse';
import type { ReverseTarget } from '../../state/inspector-view';
import { TimeCitationStream, type TimeCitation } from '../../viz/timestamps';
import { extendBlocks } from './transcript-blocks';

export interface DerivedRun {
  count: number;
  text: string;
  sections: Section[];
  /** SECTION_CODE per token. */
  labels: Uint8Array;
  /** Cited times (settled ones while streaming, all once the run ended). */
  citations: readonly TimeCitation[];
  /** Video mass per token under the head selection (sink-corrected when asked). */
  values: Float32Array;
  /** Largest finite value of `values` (0 without tokens). */
  valueMax: number;
  /** Start token of each transcript layout block (transcript-blocks.ts; grows, never changes). */
  blocks: readonly number[];
  grid: MergedGrid | null;
  maxima: RunMaxima | null;
}

interface Entry {
  version: number;
  key: string;
  derived: DerivedRun;
  /** Capacity-grown per-token arrays; `values` valid for [0, valuesSeen) under `key`. */
  values: F32;
  valuesSeen: number;
  valueMax: number;
  labels: U8;
  /** Labels of tokens before this one are final (they lie in sections that were followed by another). */
  labelsFinal: number;
  mapSeen: number;
  maxima: RunMaxima | null;
  citations: TimeCitationStream;
  blocks: number[];
  blocksSeen: number;
}

const cache = new WeakMap<RunRecord, Entry>();

const selectionKey = (h: HeadSelection, sink: boolean) =>
  `${h.kind}:${h.kind === 'subset' ? h.heads.join(',') : ''}:${sink}`;

const ENDED = ['done', 'cancelled', 'error'];

type F32 = Float32Array<ArrayBuffer>;
type U8 = Uint8Array<ArrayBuffer>;
function grow<T extends F32 | U8>(a: T, n: number, make: (n: number) => T): T {
  if (n <= a.length) return a;
  const b = make(Math.max(n, 2 * a.length, 64));
  b.set(a);
  return b;
}

/** The derived values of `run` for the current controls (only tokens not seen before are processed). */
export function derive(run: RunRecord, heads: HeadSelection, sinkCorrected: boolean): DerivedRun {
  const key = selectionKey(heads, sinkCorrected);
  let e = cache.get(run);
  if (e && e.version === run.version && e.key === key) return e.derived;
  if (!e) {
    e = {
      version: -1,
      key,
      derived: null as unknown as DerivedRun,
      values: new Float32Array(0),
      valuesSeen: 0,
      valueMax: 0,
      labels: new Uint8Array(0),
      labelsFinal: 0,
      mapSeen: 0,
      maxima: null,
      citations: new TimeCitationStream(),
      blocks: [0],
      blocksSeen: 0,
    };
    cache.set(run, e);
  }
  if (e.key !== key) {
    e.key = key;
    e.valuesSeen = 0;
    e.valueMax = 0;
  }
  const t = run.tokens;
  const count = t?.count ?? 0;
  const text = t?.text ?? '';
  const sections = splitSections(text);
  e.labels = grow(e.labels, count, (n) => new Uint8Array(n));
  if (t && count > e.labelsFinal) {
    // Relabel only the tokens from the last section on (a tag completing can still move its start).
    const from = e.labelsFinal;
    tokenSections(t.charStarts.subarray(from), count - from, sections, e.labels.subarray(from, count));
    const last = sections.at(-1);
    if (last)
      e.labelsFinal = Math.min(count, tokenRangeForChars(t.charStarts, count, text.length, last.start, last.end)[0]);
  }
  if (t) e.blocksSeen = extendBlocks(text, t.charStarts, count, e.blocks, e.blocksSeen);
  const citations = e.citations.update(text, ENDED.includes(run.meta.stage));
  let grid: MergedGrid | null = null;
  e.values = grow(e.values, count, (n) => new Float32Array(n));
  if (t && t.shape.attention && run.meta.video && count > 0) {
    const validHeads =
      heads.kind === 'subset' && heads.heads.some((h) => h >= t.shape.heads) ? { kind: 'mean' as const } : heads;
    const from = e.valuesSeen;
    const fresh = e.values.subarray(from, count);
    headVideoMassSeries(t.headMass.subarray(from * t.shape.heads), t.shape.heads, count - from, validHeads, fresh);
    for (let i = from; i < count; i++) {
      if (sinkCorrected) e.values[i] = e.values[i]! * sinkCorrectionScale(t.segmentMass, i);
      if (e.values[i]! > e.valueMax) e.valueMax = e.values[i]!;
    }
    e.valuesSeen = count;
    grid = mergedGrid(run.meta.video.grid);
    if (!e.maxima || e.maxima.pairs !== grid.pairs) {
      e.maxima = new RunMaxima(grid.pairs, grid.videoLen);
      e.mapSeen = 0;
    }
    // Profile maxima from the contiguous pair masses; map maxima row by row (rows are stored in blocks).
    e.maxima.update(t.pairMass, null, count);
    for (let i = e.mapSeen; i < count; i++) {
      const m = rowMax(t.videoRowBits(i));
      e.maxima.mapToken[i] = m;
      if (m > e.maxima.mapGlobal) e.maxima.mapGlobal = m;
    }
    e.mapSeen = count;
  }
  e.version = run.version;
  e.derived = {
    count,
    text,
    sections,
    labels: e.labels.subarray(0, count),
    citations,
    values: e.values.subarray(0, e.valuesSeen),
    valueMax: e.valueMax,
    blocks: e.blocks,
    grid,
    maxima: e.maxima,
  };
  return e.derived;
}

// f16 bits of non-negative values order like the values; patterns from 0x7c00 up (inf, NaN) are skipped.
function rowMax(bits: Uint16Array): number {
  let b = 0;
  for (let i = 0; i < bits.length; i++) {
    const v = bits[i]!;
    if (v > b && v < 0x7c00) b = v;
  }
  return f16BitsToFloat(b);
}

/**
 * Growing span means of one run: the pair profile and the whole video row of the focused span, each in a
 * SpanAccumulator. While a span keeps its start and grows (all of <think> while it streams) a call adds only the new
 * tokens; a new long span is filled at most ROWS_PER_FRAME video rows per animation frame (`frame` is the frame's
 * timestamp, the same for every canvas drawn in it), so no frame pays for thousands of rows.
 */
const ROWS_PER_FRAME = 256;
interface SpanCache {
  profile: SpanAccumulator;
  row: SpanAccumulator;
  frame: number;
  rowMean: F32;
  rowKey: string;
}
const spans = new WeakMap<RunRecord, SpanCache>();

function spanCache(run: RunRecord, pairs: number, videoLen: number): SpanCache {
  let c = spans.get(run);
  if (!c || c.profile.width !== pairs || c.row.width !== videoLen) {
    c = {
      profile: new SpanAccumulator(pairs),
      row: new SpanAccumulator(videoLen),
      frame: NaN,
      rowMean: new Float32Array(videoLen),
      rowKey: '',
    };
    spans.set(run, c);
  }
  return c;
}

/** Head-mean per-pair profile of tokens [from, to) (the mean over the span). */
export function rangeProfile(run: RunRecord, from: number, to: number): Float32Array | null {
  const t = run.tokens;
  if (!t || !t.shape.attention || to <= from || to > t.count) return null;
  const c = spanCache(run, t.shape.pairs, t.shape.videoTokens);
  c.profile.update(t.pairMass, from, to);
  return c.profile.mean();
}

/** A span map: its mean (of the tokens accumulated so far) and whether every token of the span is in it. */
export interface RangeMap {
  map: Float32Array;
  complete: boolean;
}

/** Spatial map of pair g averaged over tokens [from, to). */
export function rangeMap(
  run: RunRecord,
  grid: MergedGrid,
  from: number,
  to: number,
  pair: number,
  frame: number,
  out = new Float32Array(grid.perPair),
): RangeMap | null {
  const t = run.tokens;
  if (!t || !t.shape.attention || to <= from || to > t.count) return null;
  if (to - from === 1) return { map: spatialMap(t.videoRowBits(from), grid, 0, pair, out), complete: true };
  const c = spanCache(run, grid.pairs, grid.videoLen);
  let complete = c.row.span[0] === from && c.row.span[1] === to;
  if (!complete && c.frame !== frame) {
    c.frame = frame;
    const rows: VideoRowSource = (i) => t.videoRowBits(i);
    complete = c.row.update(rows, from, to, ROWS_PER_FRAME);
  }
  const key = c.row.span.join(':');
  if (key !== c.rowKey) {
    c.row.mean(c.rowMean);
    c.rowKey = key;
  }
  out.set(c.rowMean.subarray(pair * grid.perPair, (pair + 1) * grid.perPair));
  return { map: out, complete };
}

/** Tokens that attended most to a frame pair or one patch of it (the reverse view), cached per run version. */
const rankCache = new WeakMap<RunRecord, { key: string; ranked: RankedToken[] }>();
export function reverseRanking(run: RunRecord, target: ReverseTarget | null, k = 10): RankedToken[] {
  const t = run.tokens;
  if (!target || !t || !t.shape.attention || !run.meta.video || t.count === 0 || target.pair >= t.shape.pairs)
    return [];
  const key = `${run.version}:${target.pair}:${target.patch?.row ?? ''}:${target.patch?.col ?? ''}:${k}`;
  const hit = rankCache.get(run);
  if (hit?.key === key) return hit.ranked;
  let ranked: RankedToken[];
  if (!target.patch) ranked = topTokensForPair(t.pairMass, t.shape.pairs, t.count, target.pair, k);
  else {
    const grid = mergedGrid(run.meta.video.grid);
    const index = target.pair * grid.perPair + target.patch.row * grid.cols + target.patch.col;
    ranked = topK((i) => f16BitsToFloat(t.videoRowBits(i)[index]!), t.count, k);
  }
  rankCache.set(run, { key, ranked });
  return ranked;
}
