// One canonical naming for both Hugging Face layouts of Qwen2.5-VL checkpoints. Canonical = the layout written
// by transformers ≤ 4.51 (`visual.*`, `model.*`, `lm_head.weight`), which is also the naming of docs/model.md §6.1.
// transformers ≥ 4.52 writes `model.visual.*` and `model.language_model.*`; `lm_head.weight` is unchanged.

export type NamingLayout = 'legacy' | 'nested';

export interface CanonicalName {
  canonical: string;
  layout: NamingLayout | null;
}

/** Maps a stored tensor name to its canonical name; `layout` is null for names that fit both (lm_head). */
export function canonicalTensorName(stored: string): CanonicalName {
  if (stored.startsWith('model.visual.')) return { canonical: stored.slice('model.'.length), layout: 'nested' };
  if (stored.startsWith('model.language_model.'))
    return { canonical: `model.${stored.slice('model.language_model.'.length)}`, layout: 'nested' };
  if (stored.startsWith('visual.') || stored.startsWith('model.')) return { canonical: stored, layout: 'legacy' };
  return { canonical: stored, layout: null };
}

/** The name a canonical tensor has in a given layout (inverse of canonicalTensorName). */
export function storedTensorName(canonical: string, layout: NamingLayout): string {
  if (layout === 'legacy') return canonical;
  if (canonical.startsWith('visual.')) return `model.${canonical}`;
  if (canonical.startsWith('model.')) return `model.language_model.${canonical.slice('model.'.length)}`;
  return canonical;
}
