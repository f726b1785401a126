import { describe, expect, it } from 'vitest';
import { cacheKey, CACHE_FORMAT, CACHE_VERSION, CHECKSUM_SLICE_BYTES, manifestProblem } from './cache/manifest';
import { Q4_SCHEME, q4ByteSize } from './q4-scheme';
import { Q8_SCHEME, q8ByteSize, quantScheme } from './q8-scheme';

describe('the q8 scheme record', () => {
  it('sizes W[r, c] as r·c code bytes plus an f16 scale per 32 inputs (7B lm_head: 520 MiB of codes)', () => {
    expect(q8ByteSize(152064, 3584)).toEqual({ qweight: 544_997_376, scales: 34_062_336, total: 579_059_712 });
    expect(q8ByteSize(3, 32)).toEqual({ qweight: 96, scales: 8, total: 104 }); // 3 scales padded to 4 bytes
    expect(q8ByteSize(4, 64).scales).toBe(q4ByteSize(4, 64).scales); // same scale layout as q4
    expect(() => q8ByteSize(4, 48, 'w')).toThrow(/w: input dimension 48 is not a multiple of the q8 group size 32/);
  });

  it('keys the cache by scheme: a model’s q4 and q8 entries coexist and neither is read as the other', () => {
    expect(quantScheme('q8')).toBe(Q8_SCHEME);
    expect(quantScheme('q4')).toBe(Q4_SCHEME);
    const id = { modelId: 'MBZUAI/Video-R2', revision: 'main' };
    const k4 = cacheKey({ ...id, quantization: Q4_SCHEME });
    const k8 = cacheKey({ ...id, quantization: Q8_SCHEME });
    expect(k8).not.toBe(k4);
    expect(k8).toContain('q8_0-sym-g32-f16');
    const manifest = {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      quantization: Q8_SCHEME,
      tensors: {},
      blobs: [],
      checksumSliceBytes: CHECKSUM_SLICE_BYTES,
    };
    expect(manifestProblem(manifest, Q8_SCHEME)).toBeNull();
    expect(manifestProblem(manifest, Q4_SCHEME)).toMatch(
      /written with another quantization scheme \(q8_0-sym-g32-f16\)/,
    );
  });
});
