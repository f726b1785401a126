import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('hands the same buffer back for the same size and usage, and relabels it', async () => {
    const ctx = await testGpu();
    const pool = new BufferPool(ctx.device);
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const a = pool.acquire('run1.kv', 1024, usage);
    pool.release(a);
    const b = pool.acquire('run2.kv', 1024, usage);
    expect(b).toBe(a);
    expect(b.label).toBe('run2.kv');
    expect(pool.acquire('other', 2048, usage)).not.toBe(a);
    expect(pool.acquire('other-usage', 1024, usage | GPUBufferUsage.COPY_SRC)).not.toBe(a);
  });

  it('sweeps free buffers the last run did not reuse, keeps the ones it did', async () => {
    const ctx = await testGpu();
    const pool = new BufferPool(ctx.device);
    const usage = GPUBufferUsage.STORAGE;
    const small = pool.acquire('small', 256, usage);
    const big = pool.acquire('big', 4096, usage);
    pool.release(small);
    pool.release(big);
    pool.sweep(); // both were acquired in this epoch: kept
    expect(pool.freeBytes).toBe(256 + 4096);
    const again = pool.acquire('small', 256, usage); // the next run reuses only `small`
    pool.release(again);
    pool.sweep();
    expect(pool.freeBytes).toBe(256);
    pool.trim();
    expect(pool.freeBytes).toBe(0);
  });

  it('refuses buffers it did not hand out', async () => {
    const ctx = await testGpu();
    const pool = new BufferPool(ctx.device);
    const stranger = ctx.device.createBuffer({ label: 'stranger', size: 16, usage: GPUBufferUsage.STORAGE });
    expect(() => pool.release(stranger)).toThrow(/stranger was not acquired/);
  });
});
