// Display rotation from an ISO-BMFF transformation matrix [a b u; c d v; x y w] (a–d in 16.16 fixed point).
// Players apply (x, y) → (a·x + c·y, b·x + d·y); with y pointing down, atan2(b, a) is the clockwise angle.
// ffmpeg's av_display_rotation_get returns the same angle counter-clockwise (i.e. negated).

import type { Rotation } from './types';

export function rotationFromMatrix(matrix: readonly number[], warnings: string[]): Rotation {
  const [a = 65536, b = 0, , c = 0, d = 65536] = matrix;
  if (a === 65536 && b === 0 && c === 0 && d === 65536) return 0;
  const degrees = (Math.atan2(b, a) * 180) / Math.PI;
  const quarter = Math.round(degrees / 90);
  if (Math.abs(degrees - quarter * 90) > 1) {
    warnings.push(
      `The video asks for a rotation of ${degrees.toFixed(1)}°, which is not a multiple of 90°; it is shown unrotated.`,
    );
    return 0;
  }
  if (a * d - b * c < 0) warnings.push('The video asks to be mirrored; mirroring is not applied.');
  return ((((quarter % 4) + 4) % 4) * 90) as Rotation;
}

/** Size after rotating a width×height frame. */
export function rotatedSize(width: number, height: number, rotation: Rotation): { width: number; height: number } {
  return rotation === 90 || rotation === 270 ? { width: height, height: width } : { width, height };
}
