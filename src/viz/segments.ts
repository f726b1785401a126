// Where the rest of each token's attention goes, the sink-corrected view, and colour-scale normalisation.
// segments is the run store's [tokens × 5] head-mean mass on sink, system, video, question, generated.
//
// Public functions:
//   SEGMENTS / SEGMENT_INDEX                                       the five segment names in storage order
//   segmentSplit(segments, token): SegmentSplit                    the five masses, their sum, and shares that sum to 1
//   sinkCorrectionScale(segments, token): number                   1 / (1 − sink − system); NaN when that mass is ~1
//   sinkCorrectedVideoMass(segments, token): number                video / (1 − sink − system)
//   sinkCorrectedSeries(segments, tokens, out?): Float32Array      the same for tokens [0, tokens)
//   class RunMaxima                                                running maxima for global / per-token / per-pair scales
//   normaliseInto(values, divisor, out?): Float32Array             values / divisor clamped to [0, 1] (0 when divisor ≤ 0)
//   normalise(what, values, mode, maxima, token, out?)             a pair profile or spatial map on the global / token / pair scale

import { f16BitsToFloat, videoRowOf, type VideoRowSource } from './attention';
import { checkToken, tokenSeries } from './token-rows';

export const SEGMENTS = ['sink', 'system', 'video', 'question', 'generated'] as const;
export type SegmentName = (typeof SEGMENTS)[number];
export const SEGMENT_INDEX: Record<SegmentName, number> = { sink: 0, system: 1, video: 2, question: 3, generated: 4 };
const NSEG = SEGMENTS.length;
export type Normalisation = 'global' | 'token' | 'pair';

export interface SegmentSplit {
  /** The stored masses, in [0, 1]. */
  mass: Record<SegmentName, number>;
  /** Σ of the five (1 up to rounding). */
  total: number;
  /** mass / total: what a stacked bar draws, exactly summing to 1. */
  share: Record<SegmentName, number>;
}

export function segmentSplit(segments: Float32Array, token: number): SegmentSplit {
  checkToken('segmentSplit', segments, NSEG, token);
  const mass = {} as Record<SegmentName, number>;
  const share = {} as Record<SegmentName, number>;
  let total = 0;
  SEGMENTS.forEach((name, i) => {
    mass[name] = segments[token * NSEG + i]!;
    total += mass[name];
  });
  for (const name of SEGMENTS) share[name] = total > 0 ? mass[name] / total : 0;
  return { mass, total, share };
}

/** Denominators below this are treated as "all attention on sink and system": the corrected value is undefined. */
const MIN_REST = 1e-6;

function scaleAt(segments: Float32Array, base: number): number {
  const rest = 1 - segments[base]! - segments[base + 1]!;
  return rest > MIN_REST ? 1 / rest : NaN;
}

/** Factor that turns any head-mean video quantity of this token (mass, profile, map) into its sink-corrected value. */
export function sinkCorrectionScale(segments: Float32Array, token: number): number {
  checkToken('sinkCorrectionScale', segments, NSEG, token);
  return scaleAt(segments, token * NSEG);
}

export function sinkCorrectedVideoMass(segments: Float32Array, token: number): number {
  checkToken('sinkCorrectedVideoMass', segments, NSEG, token);
  return segments[token * NSEG + 2]! * scaleAt(segments, token * NSEG);
}

export function sinkCorrectedSeries(
  segments: Float32Array,
  tokens: number,
  out = new Float32Array(tokens),
): Float32Array {
  const corrected = (t: number) => segments[t * NSEG + 2]! * scaleAt(segments, t * NSEG);
  return tokenSeries('sinkCorrectedSeries', segments, NSEG, tokens, out, corrected);
}

/**
 * Running maxima over a growing run, updated incrementally (`update(tokens)` only reads the new tokens):
 * - `profileGlobal`: max of every M_t(g) seen (global scale of heat strips),
 * - `profileToken[t]`: max over g of M_t(g) (per-token scale),
 * - `profilePair[g]`: max over t of M_t(g) (per-frame-pair scale of the token × pair strip),
 * - `mapGlobal` / `mapToken[t]`: the same over the video rows (spatial maps); a map's per-pair scale is its own
 *   maximum, which the caller takes from the map it has in hand.
 */
export class RunMaxima {
  profileGlobal = 0;
  mapGlobal = 0;
  profileToken: Float32Array;
  mapToken: Float32Array;
  readonly profilePair: Float32Array;
  private seen = 0;

  constructor(
    readonly pairs: number,
    readonly videoLen: number,
    capacity = 256,
  ) {
    this.profilePair = new Float32Array(pairs);
    this.profileToken = new Float32Array(capacity);
    this.mapToken = new Float32Array(capacity);
  }

  get tokens(): number {
    return this.seen;
  }

  update(pairMass: Float32Array, videoRows: VideoRowSource | null, tokens: number): void {
    if (tokens < this.seen)
      throw new Error(`RunMaxima.update: a run does not shrink (${this.seen} → ${tokens} tokens)`);
    if (tokens > this.profileToken.length) {
      const cap = Math.max(tokens, this.profileToken.length * 2);
      const grow = (a: Float32Array) => {
        const b = new Float32Array(cap);
        b.set(a);
        return b;
      };
      this.profileToken = grow(this.profileToken);
      this.mapToken = grow(this.mapToken);
    }
    const { pairs, videoLen } = this;
    for (let t = this.seen; t < tokens; t++) {
      let m = 0;
      for (let g = 0; g < pairs; g++) {
        const v = pairMass[t * pairs + g]!;
        if (v > m) m = v;
        if (v > this.profilePair[g]!) this.profilePair[g] = v;
      }
      this.profileToken[t] = m;
      if (m > this.profileGlobal) this.profileGlobal = m;
      if (!videoRows) continue;
      const [row, base] = videoRowOf(videoRows, videoLen, t);
      let r = 0;
      if (row instanceof Uint16Array) {
        // f16 bits of non-negative values order like the values (sign bit clear); NaN patterns are skipped.
        let bits = 0;
        for (let i = base, e = base + videoLen; i < e; i++) {
          const b = row[i]!;
          if (b > bits && b < 0x7c01) bits = b;
        }
        r = f16BitsToFloat(bits);
      } else for (let i = base, e = base + videoLen; i < e; i++) if (row[i]! > r) r = row[i]!;
      this.mapToken[t] = r;
      if (r > this.mapGlobal) this.mapGlobal = r;
    }
    this.seen = tokens;
  }
}

/** values / divisor clamped to [0, 1]; an empty scale (divisor ≤ 0 or NaN) maps everything to 0. */
export function normaliseInto(
  values: ArrayLike<number>,
  divisor: number,
  out = new Float32Array(values.length),
): Float32Array {
  for (let i = 0; i < values.length; i++) out[i] = unitRatio(values[i]!, divisor);
  return out;
}

/** x / d clamped to [0, 1]; 0 when d ≤ 0 or NaN, or the ratio is NaN. */
function unitRatio(x: number, d: number): number {
  const v = d > 0 ? x / d : 0;
  return v > 1 ? 1 : v > 0 ? v : 0;
}

/**
 * A token's pair profile or spatial map scaled for display: by the run's maximum, this token's maximum (over all
 * pairs), or per pair — a profile by each pair's maximum over tokens, a map by its own maximum.
 */
export function normalise(
  what: 'profile' | 'map',
  values: ArrayLike<number>,
  mode: Normalisation,
  maxima: RunMaxima,
  token: number,
  out = new Float32Array(values.length),
): Float32Array {
  if (mode === 'global') return normaliseInto(values, maxima[`${what}Global`], out);
  if (mode === 'token') return normaliseInto(values, maxima[`${what}Token`][token] ?? 0, out);
  if (what === 'profile') {
    for (let g = 0; g < values.length; g++) out[g] = unitRatio(values[g]!, maxima.profilePair[g]!);
    return out;
  }
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > m) m = values[i]!;
  return normaliseInto(values, m, out);
}
