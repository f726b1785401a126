// Cited times → frame pairs, and the citation check.
// frameTimes are the presentation times (seconds, ascending) of the sampled frames; frame pair g spans
// [frameTimes[2g], frameTimes[2g+1]]; an odd last frame makes a pair of its own, [t, t] (the processor pads the
// temporal patch by repeating it).
//
// Public functions:
//   pairSpans(frameTimes): Float64Array                     [pairs × 2] start, end of each pair
//   pairForTime(sec, frameTimes): PairPlacement             the pair whose span holds sec; otherwise the nearest one
//   pairsForRange(startSec, endSec, frameTimes): [first, last]   pairs a cited range touches (nearest when none)
//   defaultCitationDelta(frameTimes): number                 "one pair": the median start-to-start step between pairs
//   citationCheck(input): CitationCheck                     share of a sentence's video attention within ±Δ of the time
//   checkCitations(input): CitedTime[]                      every citation of a transcript: its pairs and its check
import { spanMean } from './attention';
import { sentenceAround, tokenRangeForChars } from './spans';
import type { TimeCitation } from './timestamps';

export interface PairPlacement {
  pair: number;
  /** inside: sec lies in the pair's span; between: in a gap between two pairs (nearest taken, ties → earlier);
   * before / after: outside the sampled frames (first / last pair). */
  placement: 'inside' | 'between' | 'before' | 'after';
  /** Seconds from sec to the pair's span (0 when inside). */
  distance: number;
}

export interface CitationCheck {
  /** Σ over the sentence's tokens and the pairs in the window / Σ over all pairs; NaN when there is no video mass. */
  share: number;
  /** The share a flat profile would give: pairs in the window / all pairs. */
  uniformShare: number;
  /** Inclusive pair range within ±Δ of the cited time (empty when first > last). */
  firstPair: number;
  lastPair: number;
  deltaSec: number;
  tokens: [number, number];
}

export function pairSpans(frameTimes: ArrayLike<number>): Float64Array {
  const pairs = Math.ceil(frameTimes.length / 2);
  const out = new Float64Array(pairs * 2);
  for (let g = 0; g < pairs; g++) {
    out[2 * g] = frameTimes[2 * g]!;
    out[2 * g + 1] = frameTimes[Math.min(2 * g + 1, frameTimes.length - 1)]!;
    if (!(out[2 * g + 1]! >= out[2 * g]!) || (g > 0 && out[2 * g]! < out[2 * g - 1]!))
      throw new Error(`pairSpans: frame times are not ascending at pair ${g}`);
  }
  return out;
}

export function pairForTime(sec: number, frameTimes: ArrayLike<number>): PairPlacement {
  const spans = pairSpans(frameTimes);
  const pairs = spans.length / 2;
  if (pairs === 0) throw new Error('pairForTime: there are no frame times, so there is no frame pair');
  if (sec < spans[0]!) return { pair: 0, placement: 'before', distance: spans[0]! - sec };
  if (sec > spans[2 * pairs - 1]!)
    return { pair: pairs - 1, placement: 'after', distance: sec - spans[2 * pairs - 1]! };
  for (let g = 0; g < pairs; g++) {
    if (sec >= spans[2 * g]! && sec <= spans[2 * g + 1]!) return { pair: g, placement: 'inside', distance: 0 };
    const next = spans[2 * g + 2];
    if (next !== undefined && sec > spans[2 * g + 1]! && sec < next) {
      const dPrev = sec - spans[2 * g + 1]!;
      const dNext = next - sec;
      return dNext < dPrev
        ? { pair: g + 1, placement: 'between', distance: dNext }
        : { pair: g, placement: 'between', distance: dPrev };
    }
  }
  throw new Error(`pairForTime: ${sec} s could not be placed`); // unreachable for ascending times
}

/** The pairs whose spans intersect [startSec, endSec]; a range that falls in a gap or outside maps to its nearest pair. */
export function pairsForRange(startSec: number, endSec: number, frameTimes: ArrayLike<number>): [number, number] {
  const hit = intersectingPairs(pairSpans(frameTimes), startSec, endSec);
  if (hit) return hit;
  const p = pairForTime((startSec + endSec) / 2, frameTimes).pair;
  return [p, p];
}

/** The first and last pair whose span [start, end] meets [lo, hi] (pairs are in time order); null when none does. */
function intersectingPairs(spans: ArrayLike<number>, lo: number, hi: number): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let g = 0; g < spans.length / 2; g++) {
    if (spans[2 * g]! <= hi && spans[2 * g + 1]! >= lo) {
      if (first < 0) first = g;
      last = g;
    }
  }
  return first < 0 ? null : [first, last];
}

export function defaultCitationDelta(frameTimes: ArrayLike<number>): number {
  const spans = pairSpans(frameTimes);
  const pairs = spans.length / 2;
  if (pairs === 0) throw new Error('defaultCitationDelta: no frame pair');
  if (pairs === 1) return spans[1]! - spans[0]!;
  const steps = Array.from({ length: pairs - 1 }, (_, g) => spans[2 * g + 2]! - spans[2 * g]!).sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 ? steps[mid]! : (steps[mid - 1]! + steps[mid]!) / 2;
}

export interface CitationCheckInput {
  pairMass: Float32Array;
  pairs: number;
  /** Tokens of the sentence around the citation, half-open. */
  tokens: [number, number];
  startSec: number;
  endSec: number;
  frameTimes: ArrayLike<number>;
  /** Window half-width in seconds; default one pair (defaultCitationDelta). */
  deltaSec?: number;
}

/**
 * For the sentence around a cited time: of the video attention its tokens put on frame pairs (mean per-pair profile),
 * the share on pairs whose span intersects [startSec − Δ, endSec + Δ].
 */
export function citationCheck(input: CitationCheckInput): CitationCheck {
  const { pairMass, pairs, tokens, startSec, endSec, frameTimes } = input;
  const deltaSec = input.deltaSec ?? defaultCitationDelta(frameTimes);
  if (!(deltaSec >= 0)) throw new Error(`citationCheck: Δ = ${deltaSec} s must be ≥ 0`);
  const spans = pairSpans(frameTimes);
  if (spans.length / 2 !== pairs)
    throw new Error(
      `citationCheck: ${frameTimes.length} frame times make ${spans.length / 2} pairs, the tap has ${pairs}`,
    );
  const lo = Math.min(startSec, endSec) - deltaSec;
  const hi = Math.max(startSec, endSec) + deltaSec;
  const [first, last] = intersectingPairs(spans, lo, hi) ?? [-1, -2];
  const profile = spanMean(pairMass, pairs, tokens[0], tokens[1]);
  let total = 0;
  let inside = 0;
  for (let g = 0; g < pairs; g++) {
    total += profile[g]!;
    if (g >= first && g <= last) inside += profile[g]!;
  }
  const n = first < 0 ? 0 : last - first + 1;
  return {
    share: total > 0 ? inside / total : NaN,
    uniformShare: n / pairs,
    firstPair: first < 0 ? 0 : first,
    lastPair: first < 0 ? -1 : last,
    deltaSec,
    tokens,
  };
}

export interface CitedTime {
  citation: TimeCitation;
  /** Where the cited start falls (the chip's pair). */
  placement: PairPlacement;
  /** Pairs the cited time or range touches. */
  pairs: [number, number];
  /** Character range of the sentence checked. */
  sentence: { start: number; end: number };
  /** null when no token with attention covers the sentence. */
  check: CitationCheck | null;
}

export interface CheckCitationsInput {
  text: string;
  citations: readonly TimeCitation[];
  /** Token t starts at character starts[t]; `tokens` tokens have attention rows. */
  starts: ArrayLike<number>;
  tokens: number;
  pairMass: Float32Array;
  pairs: number;
  frameTimes: ArrayLike<number>;
  deltaSec?: number;
}

/** For each citation: the pair it maps to, the pairs it touches, and the citation check over its sentence's tokens. */
export function checkCitations(input: CheckCitationsInput): CitedTime[] {
  const { text, starts, tokens, pairMass, pairs, frameTimes } = input;
  const deltaSec = input.deltaSec ?? defaultCitationDelta(frameTimes);
  return input.citations.map((citation) => {
    const sentence = sentenceAround(text, citation.start, citation.end);
    const range = tokenRangeForChars(starts, tokens, text.length, sentence.start, sentence.end);
    return {
      citation,
      placement: pairForTime(citation.startSec, frameTimes),
      pairs: pairsForRange(citation.startSec, citation.endSec, frameTimes),
      sentence,
      check:
        range[1] > range[0]
          ? citationCheck({
              pairMass,
              pairs,
              tokens: range,
              startSec: citation.startSec,
              endSec: citation.endSec,
              frameTimes,
              deltaSec,
            })
          : null,
    };
  });
}
