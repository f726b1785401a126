import { describe, expect, it } from 'vitest';
import { acquireGpu } from './device';
import { createTensor, readTensorF32, writeHost } from './tensor';

describe('acquireGpu in Chromium', () => {
  it('gets a device with large bindings and portable workgroup limits', async () => {
    const ctx = await acquireGpu(navigator.gpu);
    expect(ctx.limits.maxStorageBufferBindingSize).toBeGreaterThan(128 * 1024 * 1024);
    expect(ctx.limits.maxComputeWorkgroupStorageSize).toBe(16384);
    expect(ctx.limits.maxComputeInvocationsPerWorkgroup).toBe(256);
    // The device really moves data: a write and a mapped readback round-trip.
    const t = createTensor(ctx, 'probe', 'f32', [4]);
    writeHost(ctx, t.buffer, 0, new Float32Array([1, -2.5, 3e-8, 65504]));
    expect([...(await readTensorF32(ctx, t))]).toEqual([1, -2.5, Math.fround(3e-8), 65504]);
    expect(ctx.errors).toEqual([]);
  });
});
