// Burn-in against Pillow references (test-fixtures/pillow-burn-in.py, same rules as Video-R2): colour choice,
// text placement and size, the subtitle box (bit-exact composite) and overall ink agreement. Glyph rasterisers
// differ (FreeType hinting vs Skia), so text pixels are compared statistically. Our renders are written to
// e2e/.artifacts/burn-in/ for a look.

import { beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { burnSubtitle, burnTimestamp, loadBurnInFont } from './burn-in/render';
import { layoutSubtitle, subtitleStyle } from './burn-in/layout';
import { canvasMeasure } from './burn-in/render';

type Rgb = [number, number, number];

function flat(width: number, height: number, rgb: Rgb): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) out.set([...rgb, 255], i * 4);
  return out;
}

async function pillow(name: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const blob = await (await fetch(new URL(`./test-fixtures/pillow/${name}.png`, import.meta.url))).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
  if (!ctx) throw new Error('no 2d');
  ctx.drawImage(bitmap, 0, 0);
  return {
    data: new Uint8Array(ctx.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer),
    width: bitmap.width,
    height: bitmap.height,
  };
}

/** Bounding box of pixels that differ from the flat background by more than 48 in some channel. */
function inkBox(data: Uint8Array, width: number, height: number, bg: Rgb) {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      if (bg.some((v, c) => Math.abs((data[i + c] ?? 0) - v) > 48)) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  return { x0, y0, x1, y1 };
}

/** Share of pixels inside `box` whose RGB differs by more than 96 in some channel. */
function strongDiffShare(a: Uint8Array, b: Uint8Array, width: number, box: ReturnType<typeof inkBox>): number {
  let n = 0;
  let bad = 0;
  for (let y = box.y0; y <= box.y1; y++)
    for (let x = box.x0; x <= box.x1; x++, n++) {
      const i = (y * width + x) * 4;
      if ([0, 1, 2].some((c) => Math.abs((a[i + c] ?? 0) - (b[i + c] ?? 0)) > 96)) bad++;
    }
  return bad / n;
}

const count = (data: Uint8Array, pred: (r: number, g: number, b: number) => boolean) => {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (pred(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0)) n++;
  return n;
};

async function save(name: string, data: Uint8Array, width: number, height: number): Promise<void> {
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  await commands.writeFile(`e2e/.artifacts/burn-in/${name}.png`, btoa(binary), 'base64');
}

beforeAll(async () => {
  await loadBurnInFont('/fonts/DejaVuSans.ttf');
});

describe('timestamp burn-in', () => {
  const cases: [string, number, number, Rgb, string, 'white' | 'red'][] = [
    ['ts-dark-640x360', 640, 360, [40, 40, 40], '00:01:05', 'white'],
    ['ts-light-640x360', 640, 360, [200, 200, 200], '01:02:03', 'red'],
    ['ts-light-1920x1080', 1920, 1080, [200, 200, 200], '00:00:42', 'red'],
  ];
  it.each(cases)('%s matches Pillow in colour, position and size', async (name, width, height, bg, text, colour) => {
    const ours = flat(width, height, bg);
    burnTimestamp(ours, width, height, text);
    await save(name, ours, width, height);
    const ref = await pillow(name);
    const a = inkBox(ours, width, height, bg);
    const b = inkBox(ref.data, width, height, bg);
    for (const k of ['x0', 'y0', 'x1', 'y1'] as const)
      expect(Math.abs(a[k] - b[k]), `${k}: ours ${a[k]} vs Pillow ${b[k]}`).toBeLessThanOrEqual(2);
    // Measured: 9.8 % / 9.5 % at 16 px, 3.5 % at 54 px (hinted FreeType vs Skia glyph edges).
    expect(strongDiffShare(ours, ref.data, width, b)).toBeLessThan(0.12);
    const isFill =
      colour === 'white'
        ? (r: number, g: number, bl: number) => r > 230 && g > 230 && bl > 230
        : (r: number, g: number, bl: number) => r > 200 && g < 60 && bl < 60;
    const ourFill = count(ours, isFill);
    const refFill = count(ref.data, isFill);
    expect(ourFill).toBeGreaterThan(0.7 * refFill);
    expect(ourFill).toBeLessThan(1.3 * refFill);
    // Nothing drawn outside the top-left band.
    expect(a.y1).toBeLessThan(height / 4);
  });
});

describe('subtitle burn-in', () => {
  const text = 'Hello world, this is a fairly long subtitle line that has to wrap\nSecond line';
  it('wraps, boxes and centres like Pillow; the box composite is bit-exact', async () => {
    const [width, height] = [640, 360];
    const bg: Rgb = [120, 120, 120];
    const ours = flat(width, height, bg);
    burnSubtitle(ours, width, height, text);
    await save('sub-640x360', ours, width, height);
    const ref = await pillow('sub-640x360');
    const style = subtitleStyle(width, height);
    const layout = layoutSubtitle(text, width, height, style, canvasMeasure(style.fontSize));
    expect(layout.lines.map((l) => l.text)).toEqual([
      'Hello world, this is a fairly long subtitle line that has',
      'to wrap',
      'Second line',
    ]);
    // Box edges: a strip inside the box, left of any text, must be identical to Pillow's composite.
    const { left, top, bottom } = layout.box;
    for (let y = top + 3; y <= bottom; y++)
      for (let x = left; x < left + style.margin - style.stroke - 1; x++) {
        const i = (y * width + x) * 4;
        expect([ours[i], ours[i + 1], ours[i + 2]]).toEqual([ref.data[i], ref.data[i + 1], ref.data[i + 2]]);
      }
    // Pillow's box edges: where the composite value 54 starts and ends along the box's left column.
    let refTop = top;
    while (refTop > 0 && ref.data[((refTop - 1) * width + left) * 4] === 54) refTop--;
    let refLeft = left;
    while (refLeft > 0 && ref.data[(bottom * width + refLeft - 1) * 4] === 54) refLeft--;
    expect(refLeft).toBe(left);
    // Pillow's hinted line heights run ~1 px taller per line than canvas metrics: measured 275 vs 279.
    expect(refTop).toBeLessThanOrEqual(top);
    expect(top - refTop).toBeLessThanOrEqual(5);
    const box = inkBox(ref.data, width, height, bg);
    expect(strongDiffShare(ours, ref.data, width, box)).toBeLessThan(0.1); // measured 7.5 %
    const white = (r: number, g: number, b: number) => r > 230 && g > 230 && b > 230;
    expect(count(ours, white)).toBeGreaterThan(0.7 * count(ref.data, white));
    expect(count(ours, white)).toBeLessThan(1.3 * count(ref.data, white));
  });
});
