import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { runOps } from '../gpu/dispatch';
import { createTensor, readBuffer, readTensorF32, uploadTensor } from '../gpu/tensor';
import { linearRef, randomF32, worstLinearError } from '../../test-utils/cpu/linalg';
import { copyBuffer, matmulF32 } from './bench-kernels';

describe('bench reference kernels', () => {
  it('copy moves the requested bytes exactly and nothing more', async () => {
    const ctx = await testGpu();
    const n = 64 * 1024 + 12; // u32 words; the copy covers the first 64 Ki + 8 words (a multiple of 16 bytes)
    const src = uploadTensor(
      ctx,
      'src',
      'u32',
      [n],
      Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 0),
    );
    const dst = createTensor(ctx, 'dst', 'u32', [n]);
    const bytes = (64 * 1024 + 8) * 4;
    runOps(ctx, [copyBuffer(ctx, 'copy', src.buffer, dst.buffer, bytes)]);
    const got = new Uint32Array(await readBuffer(ctx, dst.buffer));
    const want = new Uint32Array(await readBuffer(ctx, src.buffer));
    expect(Array.from(got.subarray(0, bytes / 4))).toEqual(Array.from(want.subarray(0, bytes / 4)));
    expect(Array.from(got.subarray(bytes / 4))).toEqual([0, 0, 0, 0]);
    expect(() => copyBuffer(ctx, 'copy', src.buffer, dst.buffer, 20)).toThrow(/multiple of 16/);
    expect(ctx.errors).toEqual([]);
  });

  it('the tiled f32 matmul matches the reference off the tile grid', async () => {
    const ctx = await testGpu();
    const [m, n, k] = [70, 130, 52];
    const aHost = randomF32(m * k, 41);
    const bHost = randomF32(n * k, 42);
    const a = uploadTensor(ctx, 'a', 'f32', [m, k], aHost);
    const b = uploadTensor(ctx, 'b', 'f32', [n, k], bHost);
    const c = createTensor(ctx, 'c', 'f32', [m, n]);
    runOps(ctx, [matmulF32(ctx, 'mm', { a, b, c, m, n, k })]);
    const { err } = worstLinearError(await readTensorF32(ctx, c), linearRef(aHost, m, k, bHost, n));
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(ctx.errors).toEqual([]);
  });
});
