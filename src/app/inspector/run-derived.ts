// Per-run values the attention views share, derived from the run store's arrays with the pure functions of
// src/viz and cached by token count: tokens are append-only, so each frame only processes the tokens that arrived
// since the last one (per-frame work does not grow with the transcript).
import type { RunRecord } from '../../runs/run-record';
import {
  f16BitsToFloat,
  headVideoMassSeries,
  mergedGrid,
  spatialMap,
  spanMean,
  type HeadSelection,
  type MergedGrid,
} from '../../viz/attention';
import { RunMaxima, sinkCorrectionScale } from '../../viz/segments';
import { splitSections, type Section } from '../../viz/sections';
import { tokenSections } from '../../viz/spans';
import { topK, topTokensForPair, type RankedToken } from '../../viz/reverse';
import type { ReverseTarget } from '../../state/inspector-view';
import { TimeCitationStream, type TimeCitation } from '../../viz/timestamps';

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
  grid: MergedGrid | null;
  maxima: RunMaxima | null;
}

interface Entry {
  version: number;
  key: string;
  derived: DerivedRun;
  mapSeen: number;
  citations: TimeCitationStream;
}

const cache = new WeakMap<RunRecord, Entry>();

const selectionKey = (h: HeadSelection, sink: boolean) =>
  `${h.kind}:${h.kind === 'subset' ? h.heads.join(',') : ''}:${sink}`;

/** The derived values of `run` for the current controls (recomputed only for what changed). */
export function derive(run: RunRecord, heads: HeadSelection, sinkCorrected: boolean): DerivedRun {
  const key = selectionKey(heads, sinkCorrected);
  const hit = cache.get(run);
  if (hit && hit.version === run.version && hit.key === key) return hit.derived;
  const t = run.tokens;
  const count = t?.count ?? 0;
  const text = t?.text ?? '';
  const sections = splitSections(text);
  const labels = t ? tokenSections(t.charStarts, count, sections) : new Uint8Array(0);
  let values: Float32Array = new Float32Array(count);
  let grid: MergedGrid | null = null;
  let maxima = hit?.derived.maxima ?? null;
  let mapSeen = hit?.mapSeen ?? 0;
  const stream = hit?.citations ?? new TimeCitationStream();
  const ended = ['done', 'cancelled', 'error'].includes(run.meta.stage);
  const citations = stream.update(text, ended);
  if (t && t.shape.attention && run.meta.video && count > 0) {
    const validHeads =
      heads.kind === 'subset' && heads.heads.some((h) => h >= t.shape.heads) ? { kind: 'mean' as const } : heads;
    values = headVideoMassSeries(t.headMass, t.shape.heads, count, validHeads);
    if (sinkCorrected) {
      const seg = t.segmentMass;
      for (let i = 0; i < count; i++) values[i] = values[i]! * sinkCorrectionScale(seg, i);
    }
    grid = mergedGrid(run.meta.video.grid);
    if (!maxima || maxima.pairs !== grid.pairs) {
      maxima = new RunMaxima(grid.pairs, grid.videoLen);
      mapSeen = 0;
    }
    // Profile maxima from the contiguous pair masses; map maxima row by row (rows are stored in blocks).
    maxima.update(t.pairMass, null, count);
    for (let i = mapSeen; i < count; i++) {
      const m = rowMax(t.videoRowBits(i));
      maxima.mapToken[i] = m;
      if (m > maxima.mapGlobal) maxima.mapGlobal = m;
    }
    mapSeen = count;
  }
  const derived: DerivedRun = { count, text, sections, labels, citations, values, grid, maxima };
  cache.set(run, { version: run.version, key, derived, mapSeen, citations: stream });
  return derived;
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

/** Head-mean per-pair profile of tokens [from, to) (the mean over the span). */
export function rangeProfile(run: RunRecord, from: number, to: number): Float32Array | null {
  const t = run.tokens;
  if (!t || !t.shape.attention || to <= from || to > t.count) return null;
  return spanMean(t.pairMass, t.shape.pairs, from, to);
}

/** Spatial map of pair g averaged over tokens [from, to) (rows live in blocks, so one row at a time). */
export function rangeMap(
  run: RunRecord,
  grid: MergedGrid,
  from: number,
  to: number,
  pair: number,
  out = new Float32Array(grid.perPair),
): Float32Array | null {
  const t = run.tokens;
  if (!t || !t.shape.attention || to <= from || to > t.count) return null;
  if (to - from === 1) return spatialMap(t.videoRowBits(from), grid, 0, pair, out);
  out.fill(0);
  const row = new Float32Array(grid.perPair);
  for (let i = from; i < to; i++) {
    spatialMap(t.videoRowBits(i), grid, 0, pair, row);
    for (let k = 0; k < row.length; k++) out[k]! += row[k]!;
  }
  for (let k = 0; k < out.length; k++) out[k]! /= to - from;
  return out;
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
