import { describe, expect, it } from 'vitest';
import { StorageQuotaError } from '../errors';
import { quotaAdvice } from './cache-admin';

const entry = (key: string, bytes: number, lastUsed: string) => ({
  key,
  modelId: `org/${key}`,
  revision: 'main',
  bytes,
  lastUsed,
  createdAt: null,
});

describe('quotaAdvice', () => {
  const entries = [
    entry('recent', 5.6e9, '2026-12-03T10:00:00Z'),
    entry('old', 5.6e9, '2026-11-01T10:00:00Z'),
    entry('older', 3e9, '2026-10-01T10:00:00Z'),
    entry('loading', 5.6e9, '2026-12-03T11:00:00Z'),
  ];

  it('gives the numbers and the least recently used entries that make room, never the one being written', () => {
    const msg = quotaAdvice(new StorageQuotaError(5.64e9, 1e9), entries, 'loading');
    expect(msg).toContain('needs 5.64 GB of browser storage; this site may use 1.00 GB more');
    // 1 GB + 3 GB (older) is not enough; + 5.6 GB (old) is: the recent one is left alone.
    expect(msg).toContain('Delete org/older@main (3.00 GB), org/old@main (5.60 GB) under Cached models,');
    expect(msg).not.toContain('org/recent');
    expect(msg).not.toContain('org/loading');
  });

  it('says when even deleting everything is not enough, and when nothing else is cached', () => {
    expect(quotaAdvice(new StorageQuotaError(20e9, 1e9), entries, 'loading')).toContain('still not enough');
    expect(quotaAdvice(new StorageQuotaError(6e9, 0), [], null)).toContain('No other model is cached here');
  });
});
