// Colour lookups for the heatmaps, from src/viz's colormap tables.
import { colorAt, colormapLut, type ColormapName } from '../../viz/colormaps';

/** RGBA for v = 0..255 / 255 (alpha 255). */
export const colormapTable = (name: ColormapName): Uint8ClampedArray => colormapLut(name);

/** CSS colour of a value in [0, 1] (clamped). */
export function cssColor(name: ColormapName, v: number): string {
  const [r, g, b] = colorAt(name, Number.isFinite(v) ? v : 0);
  return `rgb(${r},${g},${b})`;
}
