// Colour lookups for the heatmaps: 256-entry RGBA tables of the perceptually uniform maps, cached per name.
import type { ColormapName } from '../../state/inspector-view';

// INTERIM: replaced by src/viz's colormap tables when they land.
const STOPS: Record<ColormapName, [number, number, number][]> = {
  viridis: [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]],
  cividis: [[0, 34, 78], [64, 77, 107], [124, 123, 120], [187, 175, 113], [254, 232, 56]],
  magma: [[0, 0, 4], [81, 18, 124], [183, 55, 121], [252, 137, 97], [252, 253, 191]],
};

const tables = new Map<ColormapName, Uint8ClampedArray>();

/** RGBA for v = 0..255 / 255 (alpha 255). */
export function colormapTable(name: ColormapName): Uint8ClampedArray {
  let t = tables.get(name);
  if (t) return t;
  t = new Uint8ClampedArray(256 * 4);
  const stops = STOPS[name];
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(x));
    const f = x - k;
    for (let c = 0; c < 3; c++) t[4 * i + c] = stops[k]![c]! + f * (stops[k + 1]![c]! - stops[k]![c]!);
    t[4 * i + 3] = 255;
  }
  tables.set(name, t);
  return t;
}

/** CSS colour of a value in [0, 1] (clamped), with optional alpha. */
export function cssColor(name: ColormapName, v: number, alpha = 1): string {
  const t = colormapTable(name);
  const i = 4 * Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
  return alpha >= 1 ? `rgb(${t[i]},${t[i + 1]},${t[i + 2]})` : `rgba(${t[i]},${t[i + 1]},${t[i + 2]},${alpha})`;
}
