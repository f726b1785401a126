import { describe, expect, it } from 'vitest';
import { linearGrid } from './dispatch';

describe('linearGrid', () => {
  it('stays one-dimensional up to the limit', () => {
    expect(linearGrid(1, 65535)).toEqual([1, 1, 1]);
    expect(linearGrid(65535, 65535)).toEqual([65535, 1, 1]);
  });
  it('folds into y past the limit and covers every workgroup (152064-row lm_head)', () => {
    for (const n of [65536, 152064, 1_000_003]) {
      const [x, y] = linearGrid(n, 65535);
      expect(x).toBeLessThanOrEqual(65535);
      expect(y).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(n);
      expect(x * (y - 1)).toBeLessThan(n);
    }
  });
  it('rejects what cannot be dispatched', () => {
    expect(() => linearGrid(0, 65535)).toThrow(/positive/);
    expect(() => linearGrid(65535 * 65535 + 1, 65535)).toThrow(/exceed/);
  });
});
