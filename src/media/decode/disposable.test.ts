import { describe, expect, it } from 'vitest';
import { isNonReferenceAvcSample } from './disposable';

/** AVCC sample from NAL units (4-byte lengths). */
const sample = (...nals: number[][]) => Uint8Array.from(nals.flatMap((n) => [0, 0, 0, n.length, ...n]));

describe('isNonReferenceAvcSample', () => {
  // [what the sample is, the sample, its NAL length size, disposable?]
  it.each([
    ['B slice, ref_idc 0', sample([0x01, 0x9e, 0x12]), 4, true],
    ['SEI + slice', sample([0x06, 0x05, 0x01], [0x01, 0x9e]), 4, true],
    ['2-byte lengths', Uint8Array.from([0, 3, 0x01, 0x9e, 0x00]), 2, true],
    ['P slice, ref_idc 2', sample([0x41, 0x9a]), 4, false],
    ['second slice is a reference', sample([0x01, 0x9e], [0x21, 0x9e]), 4, false],
    ['IDR', sample([0x65, 0x88]), 4, false],
    ['SEI only', sample([0x06, 0x05]), 4, false],
    ['length past the end', Uint8Array.from([0, 0, 0, 9, 0x01]), 4, false],
  ] as const)('%s → %s', (_what, data, lengthSize, disposable) => {
    expect(isNonReferenceAvcSample(data, lengthSize)).toBe(disposable);
  });
});
