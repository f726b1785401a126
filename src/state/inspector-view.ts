// What the attention views show: the token under focus (hover, lock or a span), the reverse-view target and the
// display controls. A small store of its own so pointer moves re-render only the views that read them.
import { create } from 'zustand';
import type { HeadSelection, TokenSelection } from '../viz/attention';
import type { Normalisation } from '../viz/segments';
import type { ColormapName } from '../viz/colormaps';

export type { ColormapName };

/** A run of tokens [from, to) chosen as one: a sentence, all of <think>, all of <answer>. */
export interface TokenSpan {
  from: number;
  to: number;
  label: string;
}

/** A reverse-view target: a frame pair, or one merged patch of it. */
export interface ReverseTarget {
  pair: number;
  patch: { row: number; col: number } | null;
}

export interface InspectorView {
  hover: number | null;
  lock: number | null;
  span: TokenSpan | null;
  reverse: ReverseTarget | null;
  heads: HeadSelection;
  sinkCorrected: boolean;
  normalisation: Normalisation;
  colormap: ColormapName;
  tint: boolean;
  selection: TokenSelection;
  setHover: (t: number | null) => void;
  /** Lock a token (or unlock when it is already locked / null). */
  toggleLock: (t: number | null) => void;
  setSpan: (s: TokenSpan | null) => void;
  setReverse: (r: ReverseTarget | null) => void;
  setControls: (
    c: Partial<Pick<InspectorView, 'heads' | 'sinkCorrected' | 'normalisation' | 'colormap' | 'tint' | 'selection'>>,
  ) => void;
  /** A new run is shown: drop token indices that belonged to the old one. */
  resetFocus: () => void;
}

export const useInspector = create<InspectorView>()((set) => ({
  hover: null,
  lock: null,
  span: null,
  reverse: null,
  heads: { kind: 'mean' },
  sinkCorrected: false,
  normalisation: 'global',
  colormap: 'viridis',
  tint: true,
  selection: 'think',
  setHover: (hover) => set({ hover }),
  toggleLock: (t) => set((s) => ({ lock: t === null || s.lock === t ? null : t, span: null })),
  setSpan: (span) => set({ span, lock: null }),
  setReverse: (reverse) => set({ reverse }),
  setControls: (c) => set(c),
  resetFocus: () => set({ hover: null, lock: null, span: null, reverse: null }),
}));

/** The tokens the maps show: a chosen span, else the locked token, else the hovered one. */
export function focusRange(v: Pick<InspectorView, 'hover' | 'lock' | 'span'>): [number, number] | null {
  if (v.span) return [v.span.from, v.span.to];
  const t = v.lock ?? v.hover;
  return t === null ? null : [t, t + 1];
}
