import { describe, expect, it } from 'vitest';
import {
  checkCitations,
  citationCheck,
  defaultCitationDelta,
  pairForTime,
  pairsForRange,
  pairSpans,
} from './citations';
import { findTimeCitations } from './timestamps';

// 8 frames sampled at 0.5 s, 2.5 s, … : pairs [0.5, 2.5], [4.5, 6.5], [8.5, 10.5], [12.5, 14.5] with gaps between.
const times = [0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5];

describe('cited time → frame pair', () => {
  it('maps a time inside a span to that pair, ends inclusive', () => {
    expect(pairForTime(5, times)).toEqual({ pair: 1, placement: 'inside', distance: 0 });
    expect(pairForTime(6.5, times)).toEqual({ pair: 1, placement: 'inside', distance: 0 });
    expect(pairForTime(8.5, times).pair).toBe(2);
  });
  it('a time between pairs goes to the nearest, ties to the earlier pair', () => {
    expect(pairForTime(7, times)).toEqual({ pair: 1, placement: 'between', distance: 0.5 });
    expect(pairForTime(8, times)).toEqual({ pair: 2, placement: 'between', distance: 0.5 });
    expect(pairForTime(7.5, times)).toMatchObject({ pair: 1, placement: 'between' });
  });
  it('before the first / after the last frame clamps and says so', () => {
    expect(pairForTime(0, times)).toEqual({ pair: 0, placement: 'before', distance: 0.5 });
    expect(pairForTime(99, times)).toEqual({ pair: 3, placement: 'after', distance: 84.5 });
  });
  it('uses the real frame times, not a uniform grid (irregular sampling)', () => {
    const irregular = [0, 0.04, 9, 9.04, 10, 10.04];
    expect(pairForTime(5, irregular)).toMatchObject({ pair: 1, placement: 'between' });
    expect(pairForTime(4, irregular)).toMatchObject({ pair: 0, placement: 'between' });
  });
  it('a range covers every pair it touches', () => {
    expect(pairsForRange(2, 9, times)).toEqual([0, 2]);
    expect(pairsForRange(7, 7.9, times)).toEqual([1, 1]); // in a gap: nearest to the middle
  });
  it('refuses unordered times and no frames; an odd last frame is a pair of its own (the processor repeats it)', () => {
    expect(() => pairSpans([0, 1, 0.5, 2])).toThrow(/not ascending at pair 1/);
    expect(() => pairForTime(1, [])).toThrow(/no frame pair/);
    expect(Array.from(pairSpans([0, 1, 2]))).toEqual([0, 1, 2, 2]);
    expect(pairForTime(2.25, [0, 1, 2])).toEqual({ pair: 1, placement: 'after', distance: 0.25 });
  });
});

describe('citation check', () => {
  // 2 tokens × 4 pairs
  const pairMass = Float32Array.from([0.0, 0.3, 0.1, 0.0, 0.1, 0.1, 0.0, 0.4]);
  /** The check of tokens [from, to) citing [startSec, endSec] against the 8 frame times above. */
  const check = (tokens: [number, number], [startSec, endSec]: [number, number], deltaSec?: number, mass = pairMass) =>
    citationCheck({ pairMass: mass, pairs: 4, tokens, startSec, endSec, frameTimes: times, deltaSec });
  it('Δ defaults to one pair (median start-to-start step)', () => {
    expect(defaultCitationDelta(times)).toBe(4);
    expect(defaultCitationDelta([0, 1])).toBe(1);
  });
  it("shares the sentence's mean profile within ±Δ of the cited time", () => {
    // Cited 00:05 with Δ 1 → window [4, 6] touches pair 1 only; mean profile [0.05, 0.2, 0.05, 0.2] → 0.2 / 0.5.
    const c = check([0, 2], [5, 5], 1);
    expect(c.share).toBeCloseTo(0.4, 6);
    expect(c.uniformShare).toBe(0.25);
    expect([c.firstPair, c.lastPair]).toEqual([1, 1]);
    // Default Δ (4 s) → [1, 9] touches pairs 0..2: 0.3 / 0.5.
    const d = check([0, 2], [5, 5]);
    expect([d.firstPair, d.lastPair, d.deltaSec]).toEqual([0, 2, 4]);
    expect(d.share).toBeCloseTo(0.6, 6);
  });
  it("uses only the sentence's tokens and the whole cited range", () => {
    expect(check([1, 2], [12, 14], 0).share).toBeCloseTo(0.4 / 0.6, 6);
  });
  it('no pair in the window → share 0 with an empty range; no mass → NaN', () => {
    const c = check([0, 1], [7.2, 7.2], 0.1);
    expect(c.share).toBe(0);
    expect(c.lastPair).toBeLessThan(c.firstPair);
    expect(check([0, 1], [5, 5], undefined, new Float32Array(4)).share).toBeNaN();
  });
  it("refuses frame times that do not match the tap's pair count", () => {
    expect(() =>
      citationCheck({ pairMass, pairs: 4, tokens: [0, 1], startSec: 5, endSec: 5, frameTimes: times.slice(0, 6) }),
    ).toThrow(/make 3 pairs, the tap has 4/);
  });
});

describe('checkCitations over a transcript', () => {
  it('checks each citation against the tokens of its own sentence', () => {
    // Two sentences, 3 tokens each; sentence 1 cites 00:05 (pair 1) and looks there, sentence 2 cites 00:13 but looks at pair 0.
    const pieces = ['<think>At 00:05 ', 'a dog ', 'runs.', ' At 00:13 ', 'it ', 'sits.</think>'];
    const text = pieces.join('');
    const starts = pieces.reduce<number[]>((a, _p, i) => (a.push(i ? a[i - 1]! + pieces[i - 1]!.length : 0), a), []);
    const pairMass = Float32Array.from([
      0, 0.2, 0, 0, 0, 0.2, 0, 0, 0, 0.3, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0, 0, 0.1, 0, 0, 0,
    ]);
    const cited = checkCitations({
      text,
      citations: findTimeCitations(text),
      starts,
      tokens: 6,
      pairMass,
      pairs: 4,
      frameTimes: times,
      deltaSec: 0,
    });
    expect(cited.map((c) => text.slice(c.sentence.start, c.sentence.end))).toEqual([
      'At 00:05 a dog runs.',
      'At 00:13 it sits.',
    ]);
    expect(cited.map((c) => c.placement.pair)).toEqual([1, 3]);
    expect(cited[0]!.check!.share).toBeCloseTo(1, 6);
    expect(cited[0]!.check!.tokens).toEqual([0, 3]);
    expect(cited[1]!.check!.share).toBe(0);
  });
  it('has no check when no token covers the sentence (a run without attention rows)', () => {
    const text = 'x. At 00:05 now';
    const [c] = checkCitations({
      text,
      citations: findTimeCitations(text),
      starts: [],
      tokens: 0,
      pairMass: new Float32Array(0),
      pairs: 4,
      frameTimes: times,
    });
    expect(c!.check).toBeNull();
  });
});
