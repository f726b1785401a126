import { describe, expect, it } from 'vitest';
import { quantizeRef } from '../test-utils/cpu/linalg';
import { quantizeRows, type CpuQuantFormat } from './quantize';

const ROWS = 6;
const COLS = 64;

/**
 * Weights with every case the rule must get right: random magnitudes over 13 binades (row 0, 5); exact midpoints
 * (w = (q + 0.5)·d with d = 1 from a group max of qmin: row 1); an all-zero row (2); a tie for the largest |w|, the
 * first in index order winning (3); f16-subnormal scales (4).
 */
function testWeights(format: CpuQuantFormat, seed: number): Float32Array {
  const qmin = format === 'q4' ? -8 : -128;
  const w = new Float32Array(ROWS * COLS);
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  for (let i = 0; i < w.length; i++) w[i] = rnd() * 2 ** ((i % 13) - 6);
  for (let i = 0; i < COLS; i++) w[COLS + i] = i % 32 === 0 ? qmin : (i % (-2 * qmin - 1)) + qmin + 1 + 0.5;
  w.fill(0, 2 * COLS, 4 * COLS);
  w[3 * COLS + 3] = 5;
  w[3 * COLS + 9] = -5;
  for (let i = 0; i < COLS; i++) w[4 * COLS + i] = rnd() * 2 ** -20;
  return w;
}

describe.each(['q4', 'q8'] as const)('quantizeRows %s (the CPU quantizer of npm run quantize-folder)', (format) => {
  const perWord = format === 'q4' ? 8 : 4;

  it('equals the f64 reference bit for bit: ties, clamps, zero groups, subnormal scales', () => {
    const w = testWeights(format, format === 'q4' ? 12345 : 4242);
    const ref = quantizeRef(format, w, ROWS, COLS);
    const qweight = new Uint32Array((ROWS * COLS) / perWord);
    const scales = new Uint16Array((ROWS * COLS) / 32);
    quantizeRows(format, w, ROWS, COLS, qweight, scales);
    expect(ref.bad, 'the test data is all valid').toBe(false);
    expect([...scales], 'f16 scales').toEqual([...ref.scales]);
    expect([...qweight], 'packed codes').toEqual([...ref.qweight]);
    if (format === 'q8') {
      // Row 3's tie: +5 wins, d = −5/128, so −5 is +128 and clamps to 127.
      expect((qweight[(3 * COLS + 9) >> 2]! >>> 8) & 0xff, 'row 3: the clamped code').toBe(127);
    }
  });

  it('refuses non-finite values and scales past f16, as the GPU quantizer does', () => {
    const w = new Float32Array(32);
    const buffers = [new Uint32Array(32 / perWord), new Uint16Array(1)] as const;
    w[5] = NaN;
    expect(() => quantizeRows(format, w, 1, 32, ...buffers, 'x')).toThrow(
      `x: cannot quantize to ${format}: non-finite`,
    );
    w[5] = 1e8;
    expect(() => quantizeRows(format, w, 1, 32, ...buffers, 'x')).toThrow(/f16 range/);
  });
});
