import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test-utils/random';
import { roundHalfEven } from '../../../lib/round-half-even';
import { fmaF32, fround, nextF32 } from './exact-f32';

/** Exact fma through BigInt rationals: the truth fmaF32 must reproduce. */
function fmaExact(a: number, b: number, c: number): number {
  const SHIFT = 400n;
  const toScaled = (x: number): bigint => {
    // x = m · 2^e exactly; scale by 2^SHIFT to make everything an integer.
    if (x === 0) return 0n;
    let e = 0;
    let m = x;
    while (!Number.isInteger(m)) {
      m *= 2;
      e--;
    }
    return BigInt(m) << (SHIFT + BigInt(e));
  };
  const sum = ((toScaled(a) * toScaled(b)) >> SHIFT) + toScaled(c);
  // Round sum · 2^-SHIFT to f32: find the two f32 neighbours by bisection on the f64 approximation.
  const approx = Math.fround(Number(sum) / 2 ** Number(SHIFT));
  const candidates = [nextF32(approx, -1), approx, nextF32(approx, 1)];
  let best = candidates[0]!;
  let bestDist = -1n;
  for (const cnd of candidates) {
    const d = toScaled(cnd) - sum;
    const ad = d < 0n ? -d : d;
    if (bestDist < 0n || ad < bestDist) {
      best = cnd;
      bestDist = ad;
    } else if (ad === bestDist) {
      // Tie: the even significand wins.
      const bits = new Uint32Array(new Float32Array([cnd]).buffer)[0]!;
      if ((bits & 1) === 0) best = cnd;
    }
  }
  return best;
}

describe('fmaF32', () => {
  it('rounds once (differs from mul-then-add where that double-rounds)', () => {
    const a = fround(1 + 2 ** -12);
    expect(fmaF32(a, a, -1)).toBe(2 ** -11 + 2 ** -24);
    expect(fround(fround(a * a) - 1)).toBe(2 ** -11);
  });

  it('resolves f64 sums that land exactly on an f32 midpoint', () => {
    // x·y = 1 + 2^-24 − 2^-47. Adding c = 2^-47 ± 2^-60 gives 1 + 2^-24 ± 2^-60, which the f64 sum rounds onto the
    // f32 midpoint 1 + 2^-24; Math.fround of that ties to even (1), but the true sum lies above or below it.
    const x = fround(1 + 2 ** -23);
    const y = fround(1 - 2 ** -24);
    const up = fround(2 ** -47 + 2 ** -60);
    expect(fround(x * y + up)).toBe(1); // the naive answer
    expect(fmaF32(x, y, up)).toBe(x);
    expect(fmaF32(x, y, fround(2 ** -47 - 2 ** -60))).toBe(1);
    expect(fmaF32(-x, y, -up)).toBe(-x);
    expect(fmaF32(x, y, up)).toBe(fmaExact(x, y, up));
  });

  it('agrees with exact rational arithmetic on random f32 triples of the sizes a resize sees', () => {
    const rand = seededRandom(7);
    for (let i = 0; i < 20000; i++) {
      const a = fround(Math.floor(rand() * 256) * (rand() < 0.3 ? 1 : rand()));
      const b = fround((rand() - 0.2) * 1.2);
      const c = fround((rand() - 0.3) * 400);
      expect(fmaF32(a, b, c)).toBe(fmaExact(a, b, c));
    }
  });
});

describe('roundHalfEven', () => {
  it('rounds ties to even like torch.round', () => {
    expect([0.5, 1.5, 2.5, 254.5, 255.5, 3.4999, 3.5001].map(roundHalfEven)).toEqual([0, 2, 2, 254, 256, 3, 4]);
  });
});
