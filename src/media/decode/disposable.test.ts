import { describe, expect, it } from 'vitest';
import { isNonReferenceAvcSample } from './disposable';

/** AVCC sample from NAL units (4-byte lengths). */
const sample = (...nals: number[][]) => Uint8Array.from(nals.flatMap((n) => [0, 0, 0, n.length, ...n]));

describe('isNonReferenceAvcSample', () => {
  it('accepts samples whose slices all have nal_ref_idc 0', () => {
    expect(isNonReferenceAvcSample(sample([0x01, 0x9e, 0x12]), 4)).toBe(true); // B slice, ref_idc 0
    expect(isNonReferenceAvcSample(sample([0x06, 0x05, 0x01], [0x01, 0x9e]), 4)).toBe(true); // SEI + slice
  });
  it('refuses reference slices, IDR, non-slice samples and malformed data', () => {
    expect(isNonReferenceAvcSample(sample([0x41, 0x9a]), 4)).toBe(false); // P slice, ref_idc 2
    expect(isNonReferenceAvcSample(sample([0x01, 0x9e], [0x21, 0x9e]), 4)).toBe(false); // second slice is a reference
    expect(isNonReferenceAvcSample(sample([0x65, 0x88]), 4)).toBe(false); // IDR
    expect(isNonReferenceAvcSample(sample([0x06, 0x05]), 4)).toBe(false); // SEI only
    expect(isNonReferenceAvcSample(Uint8Array.from([0, 0, 0, 9, 0x01]), 4)).toBe(false); // length past the end
    expect(isNonReferenceAvcSample(Uint8Array.from([0, 3, 0x01, 0x9e, 0x00]), 2)).toBe(true); // 2-byte lengths
  });
});
