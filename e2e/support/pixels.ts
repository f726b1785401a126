// Pixel helpers for thumbnails read back from the page.
import type { StripImage } from './app';

/** Undo a clockwise quarter-turn rotation (90/180/270) of an RGBA image. */
export function unrotate(img: StripImage, clockwise: number): StripImage {
  const turns = (((clockwise / 90) % 4) + 4) % 4;
  let cur = img;
  // Each step turns the image 90° counter-clockwise.
  for (let k = 0; k < turns; k++) {
    const { width: w, height: h, rgba } = cur;
    const out = new Uint8Array(rgba.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // (x, y) goes to (y, w - 1 - x) in an h-wide image.
        out.set(rgba.subarray((y * w + x) * 4, (y * w + x) * 4 + 4), ((w - 1 - x) * h + y) * 4);
      }
    }
    cur = { width: h, height: w, rgba: out };
  }
  return cur;
}

/** RGB bytes of an RGBA image (alpha dropped), for comparing with the reference's uint8 [H, W, 3] frames. */
export function rgbOf(img: StripImage): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 3);
  for (let i = 0, j = 0; i < img.rgba.length; i += 4, j += 3) {
    out[j] = img.rgba[i]!;
    out[j + 1] = img.rgba[i + 1]!;
    out[j + 2] = img.rgba[i + 2]!;
  }
  return out;
}

/** Number of differing bytes and the largest difference. */
export function diffBytes(a: Uint8Array, b: Uint8Array): { count: number; max: number } {
  if (a.length !== b.length) return { count: Math.max(a.length, b.length), max: 255 };
  let count = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d) {
      count++;
      max = Math.max(max, d);
    }
  }
  return { count, max };
}
