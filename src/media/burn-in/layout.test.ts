import { describe, expect, it } from 'vitest';
import {
  ascenderPx,
  compositeBlackBox,
  layoutSubtitle,
  subtitleStyle,
  SUBTITLE_BOX_ALPHA,
  timestampColor,
  timestampStyle,
  wrapToWidth,
  type MeasureText,
} from './layout';

const flat = (w: number, h: number, rgb: [number, number, number]) => {
  const a = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) a.set([...rgb, 255], i * 4);
  return a;
};

describe('timestamp rules', () => {
  it('sizes the font at 5 % of the short side in [16, 72]', () => {
    expect(timestampStyle(160, 96)).toEqual({ fontSize: 16, margin: 5, stroke: 1 });
    expect(timestampStyle(1280, 720)).toEqual({ fontSize: 36, margin: 9, stroke: 3 });
    expect(timestampStyle(1920, 1080)).toEqual({ fontSize: 54, margin: 13, stroke: 4 });
    expect(timestampStyle(7680, 4320)).toEqual({ fontSize: 72, margin: 18, stroke: 6 });
    expect(timestampStyle(500, 250).fontSize).toBe(16); // round(12.5) = 12 → 16
    expect(timestampStyle(900, 450).fontSize).toBe(22); // round(22.5) = 22 (ties to even)
  });
  it('picks white on dark or reddish corners, red otherwise', () => {
    expect(timestampColor(flat(300, 60, [40, 40, 40]), 300, 60)).toEqual([255, 255, 255]);
    expect(timestampColor(flat(300, 60, [200, 60, 60]), 300, 60)).toEqual([255, 255, 255]);
    expect(timestampColor(flat(300, 60, [200, 200, 200]), 300, 60)).toEqual([255, 0, 0]);
    // Only the 40×200 corner counts.
    const img = flat(300, 60, [250, 250, 250]);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 200; x++) img.set([10, 10, 10], (y * 300 + x) * 4);
    expect(timestampColor(img, 300, 60)).toEqual([255, 255, 255]);
  });
  it('matches Pillow/FreeType ascenders for DejaVu Sans', () => {
    expect([16, 20, 37, 45, 54, 72].map(ascenderPx)).toEqual([15, 19, 35, 42, 51, 67]);
  });
});

describe('subtitle rules', () => {
  // Monospace stand-in: 10 px per character, 20 px tall.
  const mono: MeasureText = (t) => ({ width: 10 * t.length, height: 20 });
  it('sizes, wraps greedily and keeps explicit breaks', () => {
    expect(subtitleStyle(640, 360)).toEqual({ fontSize: 22, margin: 6, stroke: 1, maxWidth: 576, lineGap: 4 });
    expect(wrapToWidth('aa bb cc dd\n\nee', 55, mono)).toEqual(['aa bb', 'cc dd', '', 'ee']);
    expect(wrapToWidth('averyveryverylongword x', 55, mono)).toEqual(['averyveryverylongword', 'x']);
  });
  it('places the box bottom-centre and lines top-down inside it', () => {
    const style = { fontSize: 20, margin: 6, stroke: 1, maxWidth: 90, lineGap: 4 };
    // 'hello world' is 110 px > 90: three lines of 50×20, text block 3·20 + 2·4 = 68 px.
    const layout = layoutSubtitle('hello world again', 100, 100, style, mono);
    expect(layout.lines).toEqual([
      { text: 'hello', x: 25, y: 20 },
      { text: 'world', x: 25, y: 44 },
      { text: 'again', x: 25, y: 68 },
    ]);
    expect(layout.box).toEqual({ left: 19, top: 14, right: 81, bottom: 94 });
    // A frame too short for the block: the box is clamped to the top edge.
    expect(layoutSubtitle('hello world again', 100, 80, style, mono).box.top).toBe(0);
  });
  it('composites black at alpha 140 exactly like Pillow, edges inclusive', () => {
    const img = flat(4, 3, [255, 120, 0]);
    compositeBlackBox(img, 4, 3, { left: 1, top: 0, right: 2, bottom: 1 }, SUBTITLE_BOX_ALPHA);
    const px = (x: number, y: number) => Array.from(img.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));
    expect(px(1, 0)).toEqual([115, 54, 0, 255]); // Pillow: alpha_composite(255,120,0 ; black@140)
    expect(px(2, 1)).toEqual([115, 54, 0, 255]);
    expect(px(0, 0)).toEqual([255, 120, 0, 255]);
    expect(px(3, 1)).toEqual([255, 120, 0, 255]);
    expect(px(1, 2)).toEqual([255, 120, 0, 255]);
  });
});
