import { describe, expect, it } from 'vitest';
import { formatShare, niceCeiling } from './scale';

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 × 10^k', () => {
    expect([0.013, 0.02, 0.031, 0.07, 0.5, 1, 1.2].map(niceCeiling)).toEqual([0.02, 0.02, 0.05, 0.1, 0.5, 1, 2]);
  });
  it('is 0 for no mass', () => {
    expect([0, -1, NaN].map(niceCeiling)).toEqual([0, 0, 0]);
  });
});

describe('formatShare', () => {
  it('keeps two significant digits for small masses', () => {
    expect([0.5, 0.012, 0.0004, 0, NaN].map(formatShare)).toEqual(['50%', '1.2%', '0.040%', '0%', '—']);
  });
});
