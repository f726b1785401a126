// The geometry and colour rules of Video-R2's burn-in (vision_process.py: draw_timestamp_top_left_hwc_uint8,
// draw_subtitle_bottom_center_hwc_uint8), as pure functions over RGBA8 frames. Text rasterisation itself is
// done by canvas (render.ts); everything that decides *where* and *in which colour* is reproduced exactly.

import { roundHalfEven } from '../python-math';

/** DejaVu Sans: hhea ascender 1901 / unitsPerEm 2048. Pillow's 'la' anchor puts the ascender line at y. */
const DEJAVU_ASCENDER = 1901 / 2048;

/** Pillow/FreeType ascender in whole pixels (FreeType rounds the scaled ascender up). */
export function ascenderPx(fontSize: number): number {
  return Math.ceil(DEJAVU_ASCENDER * fontSize - 1e-9);
}

export interface TimestampStyle {
  fontSize: number;
  margin: number;
  stroke: number;
}

/** `_get_font_and_margin_for_frame`: 5 % of the short side in [16, 72], margin ≥ 5, stroke ≥ 1. */
export function timestampStyle(width: number, height: number): TimestampStyle {
  const fontSize = Math.max(16, Math.min(72, roundHalfEven(Math.min(height, width) * 0.05)));
  return { fontSize, margin: Math.max(5, Math.floor(fontSize / 4)), stroke: Math.max(1, Math.floor(fontSize / 12)) };
}

export type Rgb = readonly [number, number, number];
export const WHITE: Rgb = [255, 255, 255];
export const RED: Rgb = [255, 0, 0];

/** `_choose_text_color_top_left`: white on dark or reddish top-left patches (40×200), red otherwise. */
export function timestampColor(rgba: Uint8Array, width: number, height: number): Rgb {
  const ph = Math.min(40, height);
  const pw = Math.min(200, width);
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = 0; y < ph; y++) {
    let i = y * width * 4;
    for (let x = 0; x < pw; x++, i += 4) {
      r += rgba[i] as number;
      g += rgba[i + 1] as number;
      b += rgba[i + 2] as number;
    }
  }
  const n = ph * pw;
  r /= n;
  g /= n;
  b /= n;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance < 80 || (r > 120 && r - Math.max(g, b) > 40) ? WHITE : RED;
}

export interface SubtitleStyle {
  fontSize: number;
  margin: number;
  stroke: number;
  maxWidth: number;
  lineGap: number;
}

/** `_get_subtitle_font_and_metrics`: 6 % of the short side in [20, 96], margin max(6, 25 %), wrap at 90 % of W. */
export function subtitleStyle(width: number, height: number): SubtitleStyle {
  const fontSize = Math.max(20, Math.min(96, roundHalfEven(Math.min(height, width) * 0.06)));
  return {
    fontSize,
    margin: Math.max(6, Math.trunc(fontSize * 0.25)),
    stroke: Math.max(1, Math.floor(fontSize / 12)),
    maxWidth: Math.trunc(width * 0.9),
    lineGap: Math.trunc(0.2 * fontSize),
  };
}

/** Ink box of a text drawn at (0, 0) with anchor 'la' (Pillow's textbbox, stroke 0): width and height. */
export type MeasureText = (text: string) => { width: number; height: number };

/** `_wrap_to_width`: greedy word wrap per explicit line, words split on whitespace. */
export function wrapToWidth(text: string, maxWidth: number, measure: MeasureText): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const words = para.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) {
      out.push('');
      continue;
    }
    let cur = words[0] as string;
    for (const w of words.slice(1)) {
      const cand = `${cur} ${w}`;
      if (measure(cand).width <= maxWidth) cur = cand;
      else {
        out.push(cur);
        cur = w;
      }
    }
    out.push(cur);
  }
  return out;
}

export interface SubtitleLayout {
  lines: { text: string; x: number; y: number }[];
  /** Pillow rectangle corners, both inclusive. */
  box: { left: number; top: number; right: number; bottom: number };
}

/** Box and line positions of `draw_subtitle_bottom_center_hwc_uint8`. */
export function layoutSubtitle(
  text: string,
  width: number,
  height: number,
  style: SubtitleStyle,
  measure: MeasureText,
): SubtitleLayout {
  const wrapped = wrapToWidth(text, style.maxWidth, measure);
  const sizes = wrapped.map((ln) => measure(ln || ' '));
  const textH = sizes.reduce((s, m) => s + m.height, 0) + style.lineGap * Math.max(0, wrapped.length - 1);
  const textW = sizes.length ? Math.max(...sizes.map((m) => m.width)) : 0;
  const left = Math.max(0, Math.floor((width - textW) / 2) - style.margin);
  const right = Math.min(width, left + textW + 2 * style.margin);
  const bottom = height - style.margin;
  const top = Math.max(0, bottom - textH - 2 * style.margin);
  let y = top + style.margin;
  const lines = wrapped.map((ln, i) => {
    const m = sizes[i] as { width: number; height: number };
    const line = { text: ln, x: Math.floor((width - m.width) / 2), y };
    y += m.height + style.lineGap;
    return line;
  });
  return { lines, box: { left, top, right, bottom } };
}

/** Pillow's `Image.alpha_composite` of black at `alpha` over an opaque frame, inside an inclusive rectangle. */
export function compositeBlackBox(
  rgba: Uint8Array,
  width: number,
  height: number,
  box: SubtitleLayout['box'],
  alpha: number,
): void {
  const coef1 = Math.floor((alpha * 255 * 255 * 128) / (alpha * 255 + 255 * (255 - alpha)));
  const coef2 = 255 * 128 - coef1;
  const lut = new Uint8Array(256);
  for (let d = 0; d < 256; d++) {
    const t = d * coef2 + (0x80 << 7);
    lut[d] = (((t >> 8) + t) >> 8) >> 7;
  }
  const x1 = Math.min(box.right, width - 1);
  const y1 = Math.min(box.bottom, height - 1);
  for (let y = Math.max(0, box.top); y <= y1; y++) {
    let i = (y * width + Math.max(0, box.left)) * 4;
    for (let x = Math.max(0, box.left); x <= x1; x++, i += 4) {
      rgba[i] = lut[rgba[i] as number] as number;
      rgba[i + 1] = lut[rgba[i + 1] as number] as number;
      rgba[i + 2] = lut[rgba[i + 2] as number] as number;
    }
  }
}

/** SUBTITLE_BOX_ALPHA 0.55 → int(255 · 0.55). */
export const SUBTITLE_BOX_ALPHA = Math.trunc(255 * 0.55);
