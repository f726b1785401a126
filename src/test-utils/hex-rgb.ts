/** 'rrggbb rrggbb …' → [[r, g, b], …] (0–255): colour tables written in hex, the way palettes are published. */
export function hexRgb(hex: string): [number, number, number][] {
  return hex.split(' ').map((w) => {
    if (!/^[0-9a-f]{6}$/i.test(w)) throw new Error(`hexRgb: '${w}' is not an rrggbb colour`);
    return [0, 2, 4].map((i) => parseInt(w.slice(i, i + 2), 16)) as [number, number, number];
  });
}
