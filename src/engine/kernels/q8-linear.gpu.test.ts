// The q8 linears (shaders/q8_matvec.wgsl, q8_matmul.wgsl, chosen by linear() from the weight's kind) against the
// f64 reference over the exactly dequantized weights, with the q4 tests' shape concerns: chunked weights, team
// widths, subgroups, folded grids, biases, and one 7B-width projection.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { createTensor, uploadTensor } from '../gpu/tensor';
import { randomF32 } from '../../test-utils/cpu/linalg';
import { dequantQ8Rows, randomQ8Host, type Q8Host } from '../../test-utils/cpu/q8';
import { linear } from './linear';
import { createQ8Weight } from './q8-weight';
import { destroyWeight } from './weight-chunks';
import { makeBias, runAndCheckLinear, spread, uploadQ8, type LinearCase } from '../../test-utils/linear-gpu';

type Host = Pick<Q8Host, 'qweight' | 'scales'>;

function q8Case(
  host: Host,
  k: number,
  xHost: Float32Array,
  m: number,
  cols: number[],
  bias?: Float32Array,
): LinearCase {
  return { xHost, m, wRows: dequantQ8Rows(host, k, cols), cols, biasValues: bias };
}

describe('q8 linear', () => {
  it('matvec: every team width and subgroups, over 3 chunks, with an x row offset and f32 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [300, 160];
    const host = randomQ8Host(n, k, 1);
    const w = uploadQ8(ctx, 'q8mv.w', host, n, k, { maxChunkBytes: 128 * k });
    expect(w.chunks.map((c) => c.rows)).toEqual([128, 128, 44]);
    const xHost = randomF32(4 * k, 2);
    const x = uploadTensor(ctx, 'q8mv.x', 'f32', [4, k], xHost);
    const bias = makeBias(ctx, 'q8mv.b', 'f32', randomF32(n, 3));
    const c = q8Case(host, k, xHost, 1, spread(n), bias.values);
    for (const tpr of [1, 8]) {
      const args = { x, weight: w, m: 1, xRowOffset: 2, bias: bias.tensor, matvecThreadsPerRow: tpr };
      await runAndCheckLinear(ctx, `q8mv.tpr${tpr}`, { ...args, matvecSubgroups: false }, c);
    }
    const sg = { x, weight: w, m: 1, xRowOffset: 2, bias: bias.tensor, matvecSubgroups: true };
    await runAndCheckLinear(ctx, 'q8mv.subgroups', sg, c);
    destroyWeight(w);
  });

  it('matvec folds the grid into y past the per-dimension limit (fake limit of 16), bf16 bias', async () => {
    const real = await testGpu();
    const ctx = { ...real, limits: { ...real.limits, maxComputeWorkgroupsPerDimension: 16 } };
    const [n, k] = [1000, 64];
    const host = randomQ8Host(n, k, 7);
    const w = uploadQ8(ctx, 'q8fold.w', host, n, k);
    const xHost = randomF32(k, 8);
    const x = uploadTensor(ctx, 'q8fold.x', 'f32', [1, k], xHost);
    const bias = makeBias(ctx, 'q8fold.b', 'bf16', randomF32(n, 9));
    const args = { x, weight: w, m: 1, bias: bias.tensor, matvecThreadsPerRow: 256, matvecSubgroups: false };
    const probe = linear(ctx, 'q8fold.probe', { ...args, y: createTensor(ctx, 'q8fold.probe.y', 'f32', [n]) });
    expect(probe.dispatches[0]!.workgroups).toEqual([16, 16, 1]);
    await runAndCheckLinear(ctx, 'q8fold', args, q8Case(host, k, xHost, 1, spread(n), bias.values));
    destroyWeight(w);
  });

  it('matmul: M not a tile multiple, 4 chunks, x offset and f16 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [200, 96];
    const host = randomQ8Host(n, k, 9);
    const w = uploadQ8(ctx, 'q8mm.w', host, n, k, { maxChunkBytes: 64 * k });
    expect(w.chunks.length).toBe(4);
    const xHost = randomF32(72 * k, 10);
    const x = uploadTensor(ctx, 'q8mm.x', 'f32', [72, k], xHost);
    const bias = makeBias(ctx, 'q8mm.b', 'f16', randomF32(n, 11));
    for (const m of [70]) {
      const args = { x, weight: w, m, xRowOffset: 1, bias: bias.tensor };
      expect(
        linear(ctx, 'q8mm.probe', { ...args, y: createTensor(ctx, 'q8mm.y', 'f32', [m, n]) }).dispatches.length,
      ).toBe(4);
      await runAndCheckLinear(ctx, `q8mm.m${m}`, args, q8Case(host, k, xHost, m, spread(n), bias.values));
    }
    destroyWeight(w);
  });

  it('7B hidden width (K = 3584, 64 rows): matvec and matmul (M = 3) on every output; K % 32 != 0 is refused', async () => {
    const ctx = await testGpu();
    const [n, k] = [64, 3584];
    const host = randomQ8Host(n, k, n + k);
    const w = uploadQ8(ctx, 'q8k.w', host, n, k);
    const xHost = randomF32(3 * k, 1);
    const x = uploadTensor(ctx, 'q8k.x', 'f32', [3, k], xHost);
    const bias = makeBias(ctx, 'q8k.b', 'bf16', randomF32(n, 2));
    const every = spread(n);
    await runAndCheckLinear(
      ctx,
      'q8k.mv',
      { x, weight: w, m: 1, bias: bias.tensor },
      q8Case(host, k, xHost, 1, every, bias.values),
    );
    await runAndCheckLinear(
      ctx,
      'q8k.mm',
      { x, weight: w, m: 3, bias: bias.tensor },
      q8Case(host, k, xHost, 3, every, bias.values),
    );
    destroyWeight(w);
    expect(() => createQ8Weight(ctx, 'q8.bad', 4, 100)).toThrow(/q8 needs a positive cols % 32 == 0, got cols 100/);
  });
});
