import { describe, expect, it } from 'vitest';
import { StorageQuotaError } from '../errors';
import { cacheKey } from './manifest';
import { quotaGuard } from './opfs';
import { Q4_SCHEME } from '../q4-scheme';

describe('quotaGuard', () => {
  it('turns a QuotaExceededError into a StorageQuotaError with the numbers', async () => {
    const storage = { estimate: async () => ({ usage: 4.5e9, quota: 5e9 }) };
    const err = await quotaGuard(
      () => 2e9,
      storage,
      async () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(String(err)).toMatch(/needs 2\.00 GB of browser storage, but this site may use 500\.0 MB more/);
  });

  it('passes other errors through', async () => {
    await expect(
      quotaGuard(
        () => 1,
        null,
        async () => Promise.reject(new TypeError('boom')),
      ),
    ).rejects.toThrow(TypeError);
  });
});

describe('cache keys and manifests', () => {
  it('makes readable, distinct, filesystem-safe keys', () => {
    const a = cacheKey({ modelId: 'MBZUAI/Video-R2', revision: 'main', quantization: Q4_SCHEME });
    expect(a).toMatch(/^MBZUAI-Video-R2@main~q4_0-sym-g32-f16~[0-9a-f]{8}$/);
    expect(cacheKey({ modelId: 'MBZUAI/Video-R2', revision: null, quantization: null })).toMatch(
      /^MBZUAI-Video-R2@unversioned~dense~/,
    );
    expect(cacheKey({ modelId: 'MBZUAI Video-R2', revision: 'main', quantization: Q4_SCHEME })).not.toBe(a);
  });
});
