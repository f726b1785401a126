// The two yardsticks of ARCHITECTURE.md §11, measured on the engine's own device in the same page as the model:
// a plain copy kernel (achievable memory bandwidth) and a plain tiled f32 matmul (achievable FLOP/s).
import type { GpuContext } from '../../src/engine/gpu/device';
import { encodeDispatches, type Dispatch } from '../../src/engine/gpu/dispatch';
import { createTensor, uploadTensor } from '../../src/engine/gpu/tensor';
import { copyBuffer, matmulF32 } from '../../src/engine/kernels/bench-kernels';

export interface CopyResult {
  bytes: number;
  reps: number;
  ms: number;
  /** 2 · bytes · reps / time (each copy reads and writes `bytes`). */
  bytesPerSecond: number;
}

export interface MatmulResult {
  m: number;
  n: number;
  k: number;
  reps: number;
  ms: number;
  flopPerSecond: number;
}

/** Runs `dispatches` once to warm up, then `reps` times in one submit; wall time until the queue drains. */
async function timeDispatches(ctx: GpuContext, dispatches: readonly Dispatch[], reps: number): Promise<number> {
  const run = async (n: number) => {
    const enc = ctx.device.createCommandEncoder({ label: 'bench.reference' });
    for (let i = 0; i < n; i++) encodeDispatches(enc, dispatches, 'bench.reference');
    const t0 = performance.now();
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  await run(1);
  return run(reps);
}

export async function measureCopy(ctx: GpuContext, mib: number, reps: number): Promise<CopyResult> {
  const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const bytes = Math.floor(Math.min(mib * 2 ** 20, limit) / 16) * 16;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const src = ctx.device.createBuffer({ label: 'bench.copy.src', size: bytes, usage });
  const dst = ctx.device.createBuffer({ label: 'bench.copy.dst', size: bytes, usage });
  try {
    // Fill the source so the copy is not reading never-touched (possibly lazily zeroed) memory.
    const enc = ctx.device.createCommandEncoder();
    enc.clearBuffer(src);
    ctx.device.queue.submit([enc.finish()]);
    const ms = await timeDispatches(ctx, copyBuffer(ctx, 'bench.copy', src, dst, bytes).dispatches, reps);
    return { bytes, reps, ms, bytesPerSecond: (2 * bytes * reps) / (ms / 1000) };
  } finally {
    src.destroy();
    dst.destroy();
  }
}

export async function measureMatmul(
  ctx: GpuContext,
  size: { m: number; n: number; k: number },
  reps: number,
): Promise<MatmulResult> {
  const { m, n, k } = size;
  const fill = (len: number, seed: number) =>
    Float32Array.from({ length: len }, (_, i) => (((i * 2654435761 + seed) >>> 0) / 2 ** 32 - 0.5) * 0.1);
  const a = uploadTensor(ctx, 'bench.matmul.a', 'f32', [m, k], fill(m * k, 1));
  const b = uploadTensor(ctx, 'bench.matmul.b', 'f32', [n, k], fill(n * k, 2));
  const c = createTensor(ctx, 'bench.matmul.c', 'f32', [m, n]);
  try {
    const ms = await timeDispatches(ctx, matmulF32(ctx, 'bench.matmul', { a, b, c, m, n, k }).dispatches, reps);
    return { m, n, k, reps, ms, flopPerSecond: (2 * m * n * k * reps) / (ms / 1000) };
  } finally {
    for (const t of [a, b, c]) t.buffer.destroy();
  }
}
