// Burn-in on native-resolution RGBA8 frames: geometry and colours from layout.ts, glyphs rasterised by canvas
// with DejaVu Sans (Pillow uses FreeType with hinting, so edges differ by a pixel here and there — see
// ARCHITECTURE.md §6). Only the band that receives text goes through an OffscreenCanvas, so an 8K frame is
// never copied whole.

import { MediaError } from '../errors';
import {
  ascenderPx,
  compositeBlackBox,
  layoutSubtitle,
  subtitleStyle,
  SUBTITLE_BOX_ALPHA,
  timestampColor,
  timestampStyle,
  WHITE,
  type MeasureText,
  type Rgb,
} from './layout';

export const BURN_IN_FONT_FAMILY = 'VideoR2 DejaVu Sans';
const loadedFonts = new Map<string, Promise<void>>();

/** Loads DejaVu Sans from `url` into this realm's FontFaceSet (window or worker) once. */
export function loadBurnInFont(url: string): Promise<void> {
  let p = loadedFonts.get(url);
  if (!p) {
    p = (async () => {
      const set =
        (globalThis as unknown as { fonts?: FontFaceSet }).fonts ??
        (typeof document === 'undefined' ? undefined : document.fonts);
      if (!set)
        throw new MediaError(
          'WEBCODECS_UNAVAILABLE',
          'This browser cannot load fonts here, so timestamps and subtitles cannot be burned in.',
        );
      const face = new FontFace(BURN_IN_FONT_FAMILY, `url(${JSON.stringify(url)})`);
      try {
        await face.load();
      } catch (e) {
        throw new MediaError('INVALID_OPTIONS', `The burn-in font could not be loaded from ${url}.`, String(e));
      }
      set.add(face);
    })();
    p.catch(() => loadedFonts.delete(url));
    loadedFonts.set(url, p);
  }
  return p;
}

function context(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new MediaError('WEBCODECS_UNAVAILABLE', 'OffscreenCanvas 2D is not available in this browser.');
  return ctx;
}

function setFont(ctx: OffscreenCanvasRenderingContext2D, size: number): void {
  ctx.font = `${size}px "${BURN_IN_FONT_FAMILY}"`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
}

/** Pillow's textbbox((0,0), text, anchor 'la') width and height, from canvas metrics. */
export function canvasMeasure(size: number): MeasureText {
  const ctx = context(1, 1);
  setFont(ctx, size);
  const asc = ascenderPx(size);
  return (text) => {
    const m = ctx.measureText(text);
    const x0 = Math.min(0, Math.floor(-m.actualBoundingBoxLeft));
    const x1 = Math.ceil(Math.max(m.width, m.actualBoundingBoxRight));
    const y0 = Math.floor(asc - m.actualBoundingBoxAscent);
    const y1 = Math.ceil(asc + m.actualBoundingBoxDescent);
    return { width: x1 - x0, height: Math.max(0, y1 - y0) };
  };
}

interface TextRun {
  text: string;
  /** Top-left in Pillow terms: x of the pen origin, y of the ascender line. */
  x: number;
  y: number;
}

/** How text is drawn: font size and black stroke width in px, fill colour. */
interface Ink {
  size: number;
  stroke: number;
  fill: Rgb;
}

/** Draws stroked text runs into rows [top, bottom) of the frame through a canvas band. */
function drawBand(
  rgba: Uint8Array,
  width: number,
  top: number,
  bottom: number,
  runs: readonly TextRun[],
  ink: Ink,
): void {
  const { size, stroke, fill } = ink;
  const bandH = bottom - top;
  if (bandH <= 0 || width <= 0) return;
  const ctx = context(width, bandH);
  const rowBytes = width * 4;
  const image = new ImageData(width, bandH);
  image.data.set(rgba.subarray(top * rowBytes, bottom * rowBytes));
  ctx.putImageData(image, 0, 0);
  setFont(ctx, size);
  const asc = ascenderPx(size);
  ctx.lineJoin = 'round';
  ctx.lineWidth = 2 * stroke;
  ctx.strokeStyle = 'rgb(0, 0, 0)';
  ctx.fillStyle = `rgb(${fill[0]}, ${fill[1]}, ${fill[2]})`;
  for (const run of runs) ctx.strokeText(run.text, run.x, run.y - top + asc);
  for (const run of runs) ctx.fillText(run.text, run.x, run.y - top + asc);
  rgba.set(ctx.getImageData(0, 0, width, bandH).data, top * rowBytes);
}

/** `draw_timestamp_top_left_hwc_uint8`. */
export function burnTimestamp(rgba: Uint8Array, width: number, height: number, text: string): void {
  const style = timestampStyle(width, height);
  const colour = timestampColor(rgba, width, height);
  const measure = canvasMeasure(style.fontSize);
  const bandWidth = Math.min(width, style.margin + measure(text).width + 2 * style.stroke + 4);
  const bottom = Math.min(height, style.margin + Math.ceil(style.fontSize * 1.25) + 2 * style.stroke + 2);
  const runs = [{ text, x: style.margin, y: style.margin }];
  drawBandInColumns(rgba, width, bandWidth, 0, bottom, runs, {
    size: style.fontSize,
    stroke: style.stroke,
    fill: colour,
  });
}

/** Like drawBand but only over the first `bandWidth` columns (copies row segments). */
function drawBandInColumns(
  rgba: Uint8Array,
  width: number,
  bandWidth: number,
  top: number,
  bottom: number,
  runs: readonly TextRun[],
  ink: Ink,
): void {
  if (bandWidth >= width) return drawBand(rgba, width, top, bottom, runs, ink);
  const rows = bottom - top;
  const band = new Uint8Array(bandWidth * rows * 4);
  for (let y = 0; y < rows; y++)
    band.set(rgba.subarray((top + y) * width * 4, ((top + y) * width + bandWidth) * 4), y * bandWidth * 4);
  const shifted = runs.map((r) => ({ ...r, y: r.y - top }));
  drawBand(band, bandWidth, 0, rows, shifted, ink);
  for (let y = 0; y < rows; y++)
    rgba.set(band.subarray(y * bandWidth * 4, (y + 1) * bandWidth * 4), (top + y) * width * 4);
}

/** `draw_subtitle_bottom_center_hwc_uint8`. */
export function burnSubtitle(rgba: Uint8Array, width: number, height: number, text: string): void {
  if (!text) return;
  const style = subtitleStyle(width, height);
  const layout = layoutSubtitle(text, width, height, style, canvasMeasure(style.fontSize));
  compositeBlackBox(rgba, width, height, layout.box, SUBTITLE_BOX_ALPHA);
  const firstY = layout.lines[0]?.y ?? layout.box.top;
  const top = Math.max(0, Math.min(layout.box.top, firstY) - style.stroke - 2);
  drawBand(rgba, width, top, height, layout.lines, { size: style.fontSize, stroke: style.stroke, fill: WHITE });
}
