// What the maps draw for the tokens under focus: the per-pair profile and the spatial maps, raw (head-mean
// attention mass) and scaled to [0, 1] by the chosen normalisation. Pure functions over a run and the view state.
import type { RunRecord } from '../../runs/run-record';
import type { InspectorView } from '../../state/inspector-view';
import { focusRange } from '../../state/inspector-view';
import { normalise, normaliseInto } from '../../viz/segments';
import type { DerivedRun } from './run-derived';
import { rangeMap, rangeProfile } from './run-derived';

type ViewState = Pick<InspectorView, 'hover' | 'lock' | 'span' | 'normalisation'>;

export interface FocusProfile {
  from: number;
  to: number;
  /** M(g), head-mean (mean over the span). */
  raw: Float32Array;
  /** Scaled to [0, 1]. */
  shown: Float32Array;
  /** What 1 means, in words (for the legend). */
  scaleNote: string;
  /** The divisor in mass units (global and per-token scales; NaN for per-pair). */
  divisor: number;
}

const maxOf = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
};

export function focusProfile(run: RunRecord, d: DerivedRun, v: ViewState): FocusProfile | null {
  const range = focusRange(v);
  if (!range || !d.maxima || range[1] > d.count) return null;
  const [from, to] = range;
  const raw = rangeProfile(run, from, to);
  if (!raw) return null;
  const single = to - from === 1;
  if (v.normalisation === 'global')
    return {
      from,
      to,
      raw,
      shown: normalise('profile', raw, 'global', d.maxima, from),
      scaleNote: 'the run’s largest pair mass',
      divisor: d.maxima.profileGlobal,
    };
  if (v.normalisation === 'token') {
    const divisor = single ? (d.maxima.profileToken[from] ?? 0) : maxOf(raw);
    return {
      from,
      to,
      raw,
      shown: normaliseInto(raw, divisor),
      scaleNote: single ? 'this token’s largest pair mass' : 'the span’s largest pair mass',
      divisor,
    };
  }
  return {
    from,
    to,
    raw,
    shown: normalise('profile', raw, 'pair', d.maxima, from),
    scaleNote: 'each pair’s largest mass over the run',
    divisor: NaN,
  };
}

/**
 * The spatial map of pair g for the focus, raw and scaled (per-pair normalisation = the map's own maximum). A long
 * span is accumulated over several animation frames (`frame`: the frame's timestamp); `complete` is false until
 * every token of it is in.
 */
export function focusMap(
  run: RunRecord,
  d: DerivedRun,
  v: ViewState,
  pair: number,
  frame: number,
): { raw: Float32Array; shown: Float32Array; complete: boolean } | null {
  const range = focusRange(v);
  if (!range || !d.grid || !d.maxima || range[1] > d.count || pair >= d.grid.pairs) return null;
  const [from, to] = range;
  const m = rangeMap(run, d.grid, from, to, pair, frame);
  if (!m) return null;
  const raw = m.map;
  if (to - from > 1 && v.normalisation === 'token') {
    // A span's "token" scale: the largest cell over all of the span's maps would need every pair; this pair's own
    // maximum is used instead (stated in the legend).
    return { raw, shown: normaliseInto(raw, maxOf(raw)), complete: m.complete };
  }
  return { raw, shown: normalise('map', raw, v.normalisation, d.maxima, from), complete: m.complete };
}
