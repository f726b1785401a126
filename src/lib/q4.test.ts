import { describe, expect, it } from 'vitest';
import { quantizeRef } from '../test-utils/cpu/linalg';
import { quantizeQ4Rows } from './q4';

describe('quantizeQ4Rows (the CPU q4 of npm run quantize-folder)', () => {
  it('equals the f64 reference bit for bit, ties and extremes included', () => {
    const rows = 6;
    const cols = 64;
    const w = new Float32Array(rows * cols);
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    for (let i = 0; i < w.length; i++) w[i] = rnd() * 2 ** ((i % 13) - 6);
    // Row 1: exact midpoints (w = (q + 0.5)·d with d = 1 from a group max of −8); row 2: all zero; row 3: a tie for
    // the largest |w| (first in index order wins); row 4: f16-subnormal scales.
    for (let i = 0; i < cols; i++) w[cols + i] = i % 32 === 0 ? -8 : (i % 15) - 7 + 0.5;
    w.fill(0, 2 * cols, 3 * cols);
    w[3 * cols + 3] = 5;
    w[3 * cols + 9] = -5;
    for (let i = 0; i < cols; i++) w[4 * cols + i] = rnd() * 2 ** -20;
    const ref = quantizeRef('q4', w, rows, cols);
    const qweight = new Uint32Array((rows * cols) / 8);
    const scales = new Uint16Array((rows * cols) / 32);
    quantizeQ4Rows(w, rows, cols, qweight, scales);
    expect(ref.bad, 'the test data is all valid').toBe(false);
    expect([...scales], 'f16 scales').toEqual([...ref.scales]);
    expect([...qweight], 'packed nibbles').toEqual([...ref.qweight]);
  });

  it('refuses non-finite values and scales past f16, as the GPU quantizer does', () => {
    const w = new Float32Array(32);
    w[5] = NaN;
    expect(() => quantizeQ4Rows(w, 1, 32, new Uint32Array(4), new Uint16Array(1), 'x')).toThrow(/non-finite/);
    w[5] = 1e6;
    expect(() => quantizeQ4Rows(w, 1, 32, new Uint32Array(4), new Uint16Array(1), 'x')).toThrow(/f16 range/);
  });
});
