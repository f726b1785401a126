import { describe, expect, it } from 'vitest';
import { rotateRgba } from './frame-pixels';

/** 3×2 image whose pixel value encodes its position: R = x, G = y. */
const img = () => {
  const data = new Uint8Array(3 * 2 * 4);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) data.set([x, y, 7, 255], (y * 3 + x) * 4);
  return { width: 3, height: 2, data };
};
const at = (r: { width: number; data: Uint8Array }, x: number, y: number) => [
  r.data[(y * r.width + x) * 4],
  r.data[(y * r.width + x) * 4 + 1],
];

describe('rotateRgba', () => {
  it('rotates clockwise by quarter turns', () => {
    const cw = rotateRgba(img(), 90);
    expect([cw.width, cw.height]).toEqual([2, 3]);
    expect(at(cw, 1, 0)).toEqual([0, 0]); // top-left goes to top-right
    expect(at(cw, 0, 0)).toEqual([0, 1]); // bottom-left goes to top-left
    expect(at(cw, 0, 2)).toEqual([2, 1]);
    const ccw = rotateRgba(img(), 270);
    expect(at(ccw, 0, 2)).toEqual([0, 0]); // top-left goes to bottom-left
    expect(at(ccw, 0, 0)).toEqual([2, 0]);
    const half = rotateRgba(img(), 180);
    expect([half.width, half.height]).toEqual([3, 2]);
    expect(at(half, 0, 0)).toEqual([2, 1]);
  });
  it('returns the input untouched for 0', () => {
    const i = img();
    expect(rotateRgba(i, 0)).toBe(i);
  });
});
