import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { guardGpu } from './device';

describe('guardGpu', () => {
  it('turns a GPU error raised asynchronously by WebGPU into an exception naming the stage', async () => {
    const ctx = await testGpu();
    // WebGPU does not throw here: the error only shows up in an error scope (or as an uncaptured error).
    const bad = guardGpu(ctx, 'Loading the model', async () => {
      ctx.device.createBuffer({ size: ctx.limits.maxBufferSize + 4, usage: GPUBufferUsage.STORAGE });
    });
    await expect(bad).rejects.toThrow(/^Loading the model: /);
    expect(ctx.errors).toEqual([]);
  });

  it('passes results and the function’s own exceptions through', async () => {
    const ctx = await testGpu();
    await expect(guardGpu(ctx, 'x', async () => 42)).resolves.toBe(42);
    await expect(guardGpu(ctx, 'x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
