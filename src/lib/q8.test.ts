import { describe, expect, it } from 'vitest';
import { quantizeRef } from '../test-utils/cpu/linalg';
import { quantizeQ8Rows } from './q8';

describe('quantizeQ8Rows (the CPU q8 of npm run quantize-folder)', () => {
  it('equals the f64 reference bit for bit: ties, the clamp to 127, zero groups, subnormal scales', () => {
    const rows = 6;
    const cols = 64;
    const w = new Float32Array(rows * cols);
    let s = 4242;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (let i = 0; i < w.length; i++) w[i] = rnd() * 2 ** ((i % 13) - 6);
    // Row 1: exact midpoints (w = (q + 0.5)·d with d = 1 from a group max of −128); row 2: all zero; row 3: a tie
    // for the largest |w| (the first, +5, wins: d = −5/128, so −5 is +128 and clamps to 127); row 4: f16-subnormal
    // scales.
    for (let i = 0; i < cols; i++) w[cols + i] = i % 32 === 0 ? -128 : (i % 97) - 48 + 0.5;
    w.fill(0, 2 * cols, 4 * cols);
    w[3 * cols + 3] = 5;
    w[3 * cols + 9] = -5;
    for (let i = 0; i < cols; i++) w[4 * cols + i] = rnd() * 2 ** -20;
    const ref = quantizeRef('q8', w, rows, cols);
    const qweight = new Uint32Array((rows * cols) / 4);
    const scales = new Uint16Array((rows * cols) / 32);
    quantizeQ8Rows(w, rows, cols, qweight, scales);
    expect(ref.bad, 'the test data is all valid').toBe(false);
    expect([...scales], 'f16 scales').toEqual([...ref.scales]);
    expect([...qweight], 'packed int8 codes').toEqual([...ref.qweight]);
    expect((qweight[(3 * cols + 9) >> 2]! >>> 8) & 0xff, 'row 3: the clamped code').toBe(127);
  });

  it('refuses non-finite values and scales past f16, as the GPU quantizer does', () => {
    const w = new Float32Array(32);
    w[5] = NaN;
    expect(() => quantizeQ8Rows(w, 1, 32, new Uint32Array(8), new Uint16Array(1), 'x')).toThrow(/non-finite/);
    w[5] = 1e8;
    expect(() => quantizeQ8Rows(w, 1, 32, new Uint32Array(8), new Uint16Array(1), 'x')).toThrow(/f16 range/);
  });
});
