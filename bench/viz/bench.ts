// The inspector's pure logic (src/viz) at the size: a replayed 2,000-token run over 4,032 video tokens
// (8 frame pairs × 18 × 28 merged cells, 28 heads), rows stored as f16 in blocks of 64 tokens like the run store.
// Measures (1) the work per streamed token that keeps the views' running state (maxima, growing-span mean,
// cited times, section box plots, TAC) and (2) one-off interactions (span maps, reverse view, colorizing), and
// reports them against a 16.7 ms frame and the 50 ms long-task limit. Loaded by bench/viz/run.mjs through Vite.
import {
  effectivePairsSeries,
  headVideoMassSeries,
  mergedGrid,
  spanSpatialMap,
  SpanAccumulator,
  spanVideoRow,
} from '../../src/viz/attention';
import { SectionBoxCache } from '../../src/viz/boxplot';
import { colorizeInto } from '../../src/viz/colormaps';
import { RunMaxima, sinkCorrectedSeries } from '../../src/viz/segments';
import { topTokensForPair, topTokensForPatch } from '../../src/viz/reverse';
import { tacCheck } from '../../src/viz/tac';
import { TimeCitationStream } from '../../src/viz/timestamps';

export interface VizBenchResult {
  tokens: number;
  videoTokens: number;
  heads: number;
  pairs: number;
  /** Per streamed token, ms: mean and worst over the replay. */
  perToken: { name: string; meanMs: number; maxMs: number }[];
  /** One interaction over the whole run, ms (median of reps). */
  interactions: { name: string; ms: number }[];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export function runVizBench(tokens = 2000): VizBenchResult {
  const grid = mergedGrid({ t: 8, h: 36, w: 56 });
  const H = 28;
  const V = grid.videoLen;
  const G = grid.pairs;
  const rand = rng(7);
  const headMass = new Float32Array(tokens * H).map(() => rand() * 0.2);
  const pairMass = new Float32Array(tokens * G).map(() => rand() * 0.05);
  const segments = new Float32Array(tokens * 5).map(() => rand() * 0.2);
  const blocks: Uint16Array[] = [];
  for (let b = 0; b * 64 < tokens; b++) blocks.push(new Uint16Array(64 * V).map(() => Math.floor(rand() * 0x2c00)));
  const rowOf = (t: number) => blocks[t >> 6]!.subarray((t & 63) * V, ((t & 63) + 1) * V);
  // A transcript of the right length with cited times, sections and a conclusion.
  const pieces: string[] = ['<think>'];
  const sentence = [
    'At',
    ' 00:',
    '05',
    ' the',
    ' ball',
    ' moves',
    ' left',
    ',',
    ' then',
    ' at',
    ' 1:',
    '02',
    ' it',
    ' stops',
    '.',
  ];
  while (pieces.length < tokens - 12) pieces.push(...sentence);
  pieces.length = tokens - 12;
  pieces.push(' So', ' the', ' answer', ' is', ' B', '.', '</think>', '<answer>', 'B', '</answer>', '\n', '');
  const labels = new Uint8Array(tokens).map((_, t) => (t < tokens - 5 ? 1 : 2));
  const vas = headVideoMassSeries(headMass, H, tokens, { kind: 'mean' });
  const question = 'What happens?\nA. It stops\nB. It moves left';

  const names = [
    'running maxima (profiles + f16 rows)',
    'growing span mean (all of <think>)',
    'cited times (incremental scan)',
    'section box plots (cached)',
    'TAC check',
    'all of the above',
  ];
  const samples = names.map(() => [] as number[]);
  const maxima = new RunMaxima(G, V);
  const span = new SpanAccumulator(V);
  const cites = new TimeCitationStream();
  const boxes = new SectionBoxCache();
  let text = '';
  for (let t = 1; t <= tokens; t++) {
    text += pieces[t - 1]!;
    const steps = [
      () => maxima.update(pairMass, rowOf, t),
      () => {
        span.update(rowOf, 0, t);
        span.mean();
      },
      () => cites.update(text),
      () => {
        boxes.get(vas, labels, 1, t);
        boxes.get(vas, labels, 2, t);
      },
      () => tacCheck(text, question),
    ];
    let total = 0;
    steps.forEach((step, i) => {
      const t0 = performance.now();
      step();
      const ms = performance.now() - t0;
      samples[i]!.push(ms);
      total += ms;
    });
    samples[steps.length]!.push(total);
  }
  const perToken = names.map((name, i) => ({
    name,
    meanMs: samples[i]!.reduce((a, b) => a + b, 0) / tokens,
    maxMs: Math.max(...samples[i]!),
  }));

  const out = new Uint8ClampedArray(V * 4);
  const vals = new Float32Array(V).map(() => rand());
  const interactionSpecs: [string, () => unknown][] = [
    ['span map of one pair, all tokens', () => spanSpatialMap(rowOf, grid, 0, tokens, 3)],
    ['span mean of whole rows, all tokens', () => spanVideoRow(rowOf, V, 0, tokens)],
    ['reverse view of one cell', () => topTokensForPatch(rowOf, grid, tokens, 3, 9, 14, 10)],
    ['reverse view of one pair', () => topTokensForPair(pairMass, G, tokens, 3, 10)],
    ['head selection (max) for every token', () => headVideoMassSeries(headMass, H, tokens, { kind: 'max' })],
    ['sink-corrected series', () => sinkCorrectedSeries(segments, tokens)],
    ['effective pairs series', () => effectivePairsSeries(pairMass, G, tokens)],
    ['colorize one token map (4,032 cells)', () => colorizeInto(vals, 'viridis', out)],
  ];
  const interactions = interactionSpecs.map(([name, f]) => {
    const reps: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      f();
      reps.push(performance.now() - t0);
    }
    return { name, ms: median(reps) };
  });
  // The same whole-row span in 250-token slices (SpanAccumulator's maxTokens): the worst slice is what a frame pays.
  const slices: number[] = [];
  const sliced = new SpanAccumulator(V);
  for (let done = false; !done;) {
    const t0 = performance.now();
    done = sliced.update(rowOf, 0, tokens, 250);
    slices.push(performance.now() - t0);
  }
  interactions.push({
    name: `span mean of whole rows, worst of ${slices.length} slices of 250 tokens`,
    ms: Math.max(...slices),
  });
  return { tokens, videoTokens: V, heads: H, pairs: G, perToken, interactions };
}
