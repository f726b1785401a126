// The q8 linears (shaders/quant_matvec.wgsl and quant_matmul.wgsl with Q8, chosen by linear() from the weight's kind) against the
// f64 reference over the exactly dequantized weights, with the q4 tests' shape concerns: chunked weights, team
// widths, subgroups, folded grids, biases, and one 7B-width projection.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { createTensor } from '../gpu/tensor';
import { randomF32 } from '../../test-utils/cpu/linalg';
import { linear } from './linear';
import { createQ8Weight } from './q8-weight';
import { destroyWeight } from './weight-chunks';
import { makeBias, randomQuantLinear, runAndCheckLinear } from '../../test-utils/linear-gpu';

describe('q8 linear', () => {
  it('matvec: every team width and subgroups, over 3 chunks, with an x row offset and f32 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [300, 160];
    const chunks = { maxChunkBytes: 128 * k };
    const { w, x, refCase } = randomQuantLinear(ctx, 'q8', 'q8mv', [n, k], { seed: 1, xRows: 4, chunks });
    expect(w.chunks.map((c) => c.rows)).toEqual([128, 128, 44]);
    const bias = makeBias(ctx, 'q8mv.b', 'f32', randomF32(n, 3));
    const c = refCase(1, bias.values);
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
    const { w, x, refCase } = randomQuantLinear(ctx, 'q8', 'q8fold', [n, k], { seed: 7 });
    const bias = makeBias(ctx, 'q8fold.b', 'bf16', randomF32(n, 9));
    const args = { x, weight: w, m: 1, bias: bias.tensor, matvecThreadsPerRow: 256, matvecSubgroups: false };
    const probe = linear(ctx, 'q8fold.probe', { ...args, y: createTensor(ctx, 'q8fold.probe.y', 'f32', [n]) });
    expect(probe.dispatches[0]!.workgroups).toEqual([16, 16, 1]);
    await runAndCheckLinear(ctx, 'q8fold', args, refCase(1, bias.values));
    destroyWeight(w);
  });

  it('matmul: M not a tile multiple, 4 chunks, x offset and f16 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [200, 96];
    const chunks = { maxChunkBytes: 64 * k };
    const { w, x, refCase } = randomQuantLinear(ctx, 'q8', 'q8mm', [n, k], { seed: 9, xRows: 72, chunks });
    expect(w.chunks.length).toBe(4);
    const bias = makeBias(ctx, 'q8mm.b', 'f16', randomF32(n, 11));
    for (const m of [70]) {
      const args = { x, weight: w, m, xRowOffset: 1, bias: bias.tensor };
      expect(
        linear(ctx, 'q8mm.probe', { ...args, y: createTensor(ctx, 'q8mm.y', 'f32', [m, n]) }).dispatches.length,
      ).toBe(4);
      await runAndCheckLinear(ctx, `q8mm.m${m}`, args, refCase(m, bias.values));
    }
    destroyWeight(w);
  });

  it('7B hidden width (K = 3584, 64 rows): matvec and matmul (M = 3) on every output; K % 32 != 0 is refused', async () => {
    const ctx = await testGpu();
    const [n, k] = [64, 3584];
    const { w, x, refCase } = randomQuantLinear(ctx, 'q8', 'q8k', [n, k], { seed: n + k, xRows: 3 });
    const bias = makeBias(ctx, 'q8k.b', 'bf16', randomF32(n, 2));
    await runAndCheckLinear(ctx, 'q8k.mv', { x, weight: w, m: 1, bias: bias.tensor }, refCase(1, bias.values));
    await runAndCheckLinear(ctx, 'q8k.mm', { x, weight: w, m: 3, bias: bias.tensor }, refCase(3, bias.values));
    destroyWeight(w);
    expect(() => createQ8Weight(ctx, 'q8.bad', 4, 100)).toThrow(/q8 needs cols % 32 == 0, got cols 100/);
  });
});
