import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';

describe('acquireGpu in Chromium', () => {
  it('gets a device with large bindings and portable workgroup limits', async () => {
    const ctx = await acquireGpu(navigator.gpu);
    expect(ctx.limits.maxStorageBufferBindingSize).toBeGreaterThan(128 * 1024 * 1024);
    expect(ctx.limits.maxComputeWorkgroupStorageSize).toBe(16384);
    expect(typeof VideoDecoder).toBe('function');
  });
});
