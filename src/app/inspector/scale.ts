// Display scales that change rarely while a run streams (so finished parts of the page need not redraw).

/** The smallest of 1, 2, 5 × 10^k that is ≥ x (0 for x ≤ 0 or NaN). */
export function niceCeiling(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/** Percent with a precision that suits small attention masses (0.012 → "1.2%", 0.0004 → "0.04%"). */
export function formatShare(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const pct = 100 * x;
  if (pct === 0) return '0%';
  if (Math.abs(pct) >= 10) return `${pct.toFixed(0)}%`;
  if (Math.abs(pct) >= 1) return `${pct.toFixed(1)}%`;
  return `${pct.toPrecision(2)}%`;
}
