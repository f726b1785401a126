// Python 3 / NumPy / torch rounding of a float to an integer: nearest, ties to even. Shared by the media sampling
// math, the burn-in layout and the CPU references of the tests.

/** Python 3 `round(x)` for a finite float: nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`roundHalfEven: ${x} is not finite`);
  const floor = Math.floor(x);
  const diff = x - floor; // exact for |x| < 2^52
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
