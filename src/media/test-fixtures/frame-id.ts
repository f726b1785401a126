// Reads the frame number the fixture generator paints into each frame (8×2 cells, bit k = cell k white).

export function readFrameId(rgba: Uint8Array, width: number, height: number): number {
  const cw = Math.floor(width / 8);
  const ch = Math.floor(height / 2);
  let id = 0;
  for (let k = 0; k < 16; k++) {
    const x = (k % 8) * cw + (cw >> 1);
    const y = Math.floor(k / 8) * ch + (ch >> 1);
    const i = (y * width + x) * 4;
    const luma = 0.299 * (rgba[i] ?? 0) + 0.587 * (rgba[i + 1] ?? 0) + 0.114 * (rgba[i + 2] ?? 0);
    if (luma > 128) id |= 1 << k;
  }
  return id;
}
