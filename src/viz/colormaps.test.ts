import { describe, expect, it } from 'vitest';
import { hexRgb } from '../test-utils/hex-rgb';
import { colorAt, colorizeInto, colormapLut, COLORMAPS, cssGradient, legendFor, type LegendSpec } from './colormaps';

// Published values of the maps at table indices 0, 64, 128, 192, 255 (sRGB, 0–255), as matplotlib ships them.
const REFERENCE: Record<(typeof COLORMAPS)[number], [number, number, number][]> = {
  viridis: hexRgb('440154 3b528b 21918c 5ec962 fde725'),
  cividis: hexRgb('00224e 434e6c 7d7c78 bcae6c fee838'),
  magma: hexRgb('000004 51127c b73779 fc8961 fcfdbf'),
};

// Relative luminance of sRGB (WCAG formula): these maps are designed to rise monotonically in lightness.
const luminance = (r: number, g: number, b: number) => {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};

describe('colormap tables', () => {
  for (const name of COLORMAPS) {
    it(`${name}: 256 opaque entries within 2/255 of the published map`, () => {
      const lut = colormapLut(name);
      expect(lut.length).toBe(1024);
      [0, 64, 128, 192, 255].forEach((i, k) => {
        const got = [lut[4 * i]!, lut[4 * i + 1]!, lut[4 * i + 2]!];
        got.forEach((c, ch) =>
          expect(
            Math.abs(c - REFERENCE[name][k]![ch]!),
            `${name}[${i}] = ${got} vs ${REFERENCE[name][k]}`,
          ).toBeLessThanOrEqual(2),
        );
        expect(lut[4 * i + 3]).toBe(255);
      });
    });
    it(`${name}: lightness rises monotonically (no jet-like bands)`, () => {
      const lut = colormapLut(name);
      let prev = -1;
      for (let i = 0; i < 256; i++) {
        const y = luminance(lut[4 * i]!, lut[4 * i + 1]!, lut[4 * i + 2]!);
        expect(y, `${name} lightness drops at entry ${i}`).toBeGreaterThan(prev - 1e-3);
        prev = y;
      }
    });
  }
  it('is cached (one table per map)', () => {
    expect(colormapLut('magma')).toBe(colormapLut('magma'));
  });
  it('refuses a map that is not offered (no jet)', () => {
    expect(() => colormapLut('jet' as never)).toThrow(/not offered/);
  });
});

describe('colour lookup', () => {
  it('maps [0, 1], clamps outside, rounds to the nearest entry, NaN → transparent', () => {
    const lut = colormapLut('viridis');
    expect(colorAt('viridis', 0)).toEqual([lut[0], lut[1], lut[2], 255]);
    expect(colorAt('viridis', -3)).toEqual(colorAt('viridis', 0));
    expect(colorAt('viridis', 7)).toEqual(colorAt('viridis', 1));
    expect(colorAt('viridis', 128 / 255)).toEqual([lut[512], lut[513], lut[514], 255]);
    expect(colorAt('viridis', NaN)).toEqual([0, 0, 0, 0]);
  });
  it('colorizes into a pixel buffer at an offset without touching the rest', () => {
    const out = new Uint8ClampedArray(16).fill(9);
    colorizeInto([0, NaN], 'cividis', out, 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([9, 9, 9, 9]);
    expect(Array.from(out.subarray(4, 8))).toEqual(colorAt('cividis', 0));
    expect(Array.from(out.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.subarray(12))).toEqual([9, 9, 9, 9]);
    expect(() => colorizeInto([0, 0, 0], 'magma', out, 8)).toThrow(/do not fit/);
  });
  it('gives a CSS gradient from the table', () => {
    const g = cssGradient('magma', 3);
    expect(g).toBe(
      `linear-gradient(to right, rgb(${colorAt('magma', 0).slice(0, 3).join(', ')}) 0.0%, rgb(${colorAt(
        'magma',
        128 / 255,
      )
        .slice(0, 3)
        .join(', ')}) 50.0%, rgb(${colorAt('magma', 1).slice(0, 3).join(', ')}) 100.0%)`,
    );
  });
});

describe('legend', () => {
  const legend = (spec: Partial<LegendSpec>) =>
    legendFor({
      colormap: 'viridis',
      quantity: 'pair',
      normalisation: 'global',
      scaleMax: 1,
      sinkCorrected: false,
      ...spec,
    });
  it('states units and the global scale in percent', () => {
    const l = legend({ normalisation: 'global', scaleMax: 0.042 });
    expect(l.unit).toMatch(/% of the token's attention/);
    expect(l.scale).toBe('one scale for the whole run: top = 4.2%');
    expect(l.ticks.map((t) => t.label)).toEqual(['0%', '2.1%', '4.2%']);
  });
  it('says what the top of a relative scale is, and what sink correction means', () => {
    const l = legend({
      colormap: 'magma',
      quantity: 'cell',
      normalisation: 'pair',
      scaleMax: 0.01,
      sinkCorrected: true,
    });
    expect(l.scale).toMatch(/this pair's largest cell/);
    expect(l.unit).toMatch(/after the sink and system tokens/);
    expect(l.ticks.map((t) => t.label)).toEqual(['0', '½ max', 'max']);
    expect(legend({ colormap: 'magma', normalisation: 'token', scaleMax: 1 }).scale).toMatch(/this token's largest/);
  });
});
