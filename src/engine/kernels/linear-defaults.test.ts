import { describe, expect, it } from 'vitest';
import { defaultThreadsPerRow } from './linear';

describe('defaultThreadsPerRow', () => {
  it('keeps about 8 units per lane, between 1 and 32 lanes', () => {
    expect(defaultThreadsPerRow(1)).toBe(1); // q4, K = 32 (tiny model)
    expect(defaultThreadsPerRow(8)).toBe(1); // 16-bit, K = 32
    expect(defaultThreadsPerRow(28)).toBe(2); // q4, K = 896
    expect(defaultThreadsPerRow(112)).toBe(8); // q4, K = 3584 (7B)
    expect(defaultThreadsPerRow(896)).toBe(32); // 16-bit, K = 3584
    expect(defaultThreadsPerRow(4736)).toBe(32); // 16-bit, K = 18944
  });
});
