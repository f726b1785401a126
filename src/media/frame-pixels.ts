// VideoFrame → native-resolution RGBA8 bytes, then the container's rotation.
// Colour conversion is Chromium's (VideoFrame.copyTo with format 'RGBA' and colorSpace 'srgb'): it honours the
// frame's matrix/range and treats untagged SD/HD content as BT.601/BT.709 limited range — see ARCHITECTURE.md §6
// for how that compares with ffmpeg/decord. Browsers without RGBA copyTo fall back to a canvas draw.

import { MediaError } from './errors';
import type { Rotation } from './demux/types';

export type ConversionPath = 'copyTo' | 'canvas';

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

let copyToRgbaWorks: boolean | null = null;

async function viaCanvas(frame: VideoFrame, width: number, height: number): Promise<Uint8Array> {
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new MediaError('WEBCODECS_UNAVAILABLE', 'OffscreenCanvas 2D is not available in this browser.');
  const r = frame.visibleRect ?? { x: 0, y: 0, width, height };
  ctx.drawImage(frame, r.x, r.y, width, height, 0, 0, width, height);
  return new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer);
}

/** The frame's visible rectangle as RGBA8 (frame not closed here). */
export async function frameToRgba(frame: VideoFrame): Promise<RgbaImage & { path: ConversionPath }> {
  const width = frame.visibleRect?.width ?? frame.codedWidth;
  const height = frame.visibleRect?.height ?? frame.codedHeight;
  if (copyToRgbaWorks !== false) {
    try {
      const data = new Uint8Array(width * height * 4);
      await frame.copyTo(data, { format: 'RGBA', colorSpace: 'srgb', layout: [{ offset: 0, stride: width * 4 }] });
      copyToRgbaWorks = true;
      return { width, height, data, path: 'copyTo' };
    } catch (e) {
      if (
        copyToRgbaWorks === true ||
        !(e instanceof DOMException && (e.name === 'NotSupportedError' || e.name === 'TypeError'))
      ) {
        throw new MediaError('DECODE_FAILED', 'A decoded frame could not be converted to RGB.', String(e));
      }
      copyToRgbaWorks = false;
    }
  }
  return { width, height, data: await viaCanvas(frame, width, height), path: 'canvas' };
}

/** Rotates an RGBA8 image clockwise by `rotation` (returns the input for 0). */
export function rotateRgba(img: RgbaImage, rotation: Rotation): RgbaImage {
  if (rotation === 0) return img;
  const { width: w, height: h } = img;
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, w * h);
  const out = new Uint8Array(w * h * 4);
  const dst = new Uint32Array(out.buffer);
  if (rotation === 180) {
    for (let i = 0, n = w * h; i < n; i++) dst[n - 1 - i] = src[i] as number;
    return { width: w, height: h, data: out };
  }
  // Output is h wide and w tall. Clockwise 90: source (x, y) → (h - 1 - y, x); 270: → (y, w - 1 - x).
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (rotation === 90) {
      const col = h - 1 - y;
      for (let x = 0; x < w; x++) dst[x * h + col] = src[row + x] as number;
    } else {
      for (let x = 0; x < w; x++) dst[(w - 1 - x) * h + y] = src[row + x] as number;
    }
  }
  return { width: h, height: w, data: out };
}
