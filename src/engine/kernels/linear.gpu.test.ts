import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { createTensor, uploadTensor } from '../gpu/tensor';
import { f32To16Bits, randomF32, randomQuantHost, widen16 } from '../../test-utils/cpu/linalg';
import { linear } from './linear';
import { createQ4Weight } from './weight-chunks';
import {
  makeBias,
  quantCase,
  randomQuantLinear,
  runAndCheckLinear,
  spread,
  uploadQuant,
  uploadW16,
} from '../../test-utils/linear-gpu';

describe('q4 linear, matrix-vector path (M = 1)', () => {
  it('matches the reference for every team width, over 3 chunks, with an x row offset and f32 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [300, 160];
    const chunks = { maxChunkBytes: 128 * (k / 2) };
    const { w, x, refCase } = randomQuantLinear(ctx, 'q4', 'mv', [n, k], { seed: 1, xRows: 4, chunks });
    expect(w.chunks.map((c) => c.rows)).toEqual([128, 128, 44]);
    const bias = makeBias(ctx, 'mv.b', 'f32', randomF32(n, 3));
    for (const tpr of [1, 8, 32, 256]) {
      const args = {
        x,
        weight: w,
        m: 1,
        xRowOffset: 2,
        bias: bias.tensor,
        matvecThreadsPerRow: tpr,
        matvecSubgroups: false,
      };
      await runAndCheckLinear(ctx, `mv.tpr${tpr}`, args, refCase(1, bias.values));
    }
    // SwiftShader has them (size 4); the variant must not assume 4.
    expect(ctx.features.subgroupId, 'the test device offers subgroups with subgroup_id').toBe(true);
    await runAndCheckLinear(
      ctx,
      'mv.subgroups',
      { x, weight: w, m: 1, xRowOffset: 2, bias: bias.tensor, matvecSubgroups: true },
      refCase(1, bias.values),
    );
  });

  it('narrow teams (1–2 lanes) own more rows than a workgroup has invocations: every row is written', async () => {
    // TPR 1 → 1024 rows per workgroup from 256 invocations (the default for short rows such as the tiny model's).
    const ctx = await testGpu();
    const [n, k] = [1100, 64];
    const { w, x, xHost, refCase } = randomQuantLinear(ctx, 'q4', 'mv.narrow', [n, k], { seed: 21 });
    const every = Array.from({ length: n }, (_, i) => i);
    for (const tpr of [1, 2]) {
      await runAndCheckLinear(
        ctx,
        `mv.narrow.tpr${tpr}`,
        { x, weight: w, m: 1, matvecThreadsPerRow: tpr, matvecSubgroups: false },
        refCase(1),
      );
    }
    const bits = Uint16Array.from(randomF32(n * k, 23, 0.2), (v) => f32To16Bits('bf16', v));
    const w16 = uploadW16(ctx, 'mv.narrow.w16', 'bf16', bits, n, k);
    for (const tpr of [1, 2]) {
      await runAndCheckLinear(
        ctx,
        `mv.narrow.w16.tpr${tpr}`,
        { x, weight: w16, m: 1, matvecThreadsPerRow: tpr },
        { xHost, m: 1, wRows: widen16('bf16', bits), cols: every },
      );
    }
  });

  it('reads bf16, f16 and no bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [97, 64];
    const host = randomQuantHost('q4', n, k, 4);
    const w = uploadQuant(ctx, 'q4', 'mvb.w', host, n, k);
    const xHost = randomF32(k, 5, 3);
    const x = uploadTensor(ctx, 'mvb.x', 'f32', [1, k], xHost);
    for (const matvecSubgroups of [false, true]) {
      for (const dtype of ['bf16', 'f16'] as const) {
        const bias = makeBias(ctx, `mvb.b.${dtype}`, dtype, randomF32(n, 6));
        await runAndCheckLinear(
          ctx,
          `mvb.${dtype}`,
          { x, weight: w, m: 1, bias: bias.tensor, matvecSubgroups },
          quantCase('q4', host, k, xHost, 1, spread(n), bias.values),
        );
      }
      await runAndCheckLinear(
        ctx,
        'mvb.none',
        { x, weight: w, m: 1, matvecSubgroups },
        quantCase('q4', host, k, xHost, 1, spread(n)),
      );
    }
  });

  it('falls back to workgroup reduction without the subgroups feature, and says so if asked for them', async () => {
    const ctx = await testGpu({ disableFeatures: ['subgroups'] });
    const [n, k] = [40, 64];
    const { w, x, refCase } = randomQuantLinear(ctx, 'q4', 'nosg', [n, k], { seed: 17 });
    await runAndCheckLinear(ctx, 'nosg', { x, weight: w, m: 1 }, refCase(1));
    const y = createTensor(ctx, 'nosg.y', 'f32', [n]);
    expect(() => linear(ctx, 'nosg', { x, weight: w, y, m: 1, matvecSubgroups: true })).toThrow(
      /lacks subgroups or the WGSL subgroup_id builtin/,
    );
  });

  it('subgroup variant: covers every row whatever the actual subgroup size is relative to the plan', async () => {
    // The wrapper plans 256 / min-size slots per workgroup. Faking the reported sizes reproduces both mismatches
    // on this size-4 device: planned for size 1 → 256 slots for 64 subgroups (each loops over 4 slots, as subgroups
    // larger than the minimum do); planned for size 32 → 8 slots for 64 subgroups (most find none).
    const real = await testGpu();
    const [n, k] = [700, 96];
    const host = randomQuantHost('q4', n, k, 24);
    const xHost = randomF32(k, 25);
    for (const min of [1, 32]) {
      const ctx = { ...real, subgroupSize: { min, max: 64 } };
      const w = uploadQuant(ctx, 'q4', `sgplan${min}.w`, host, n, k);
      const x = uploadTensor(ctx, `sgplan${min}.x`, 'f32', [1, k], xHost);
      await runAndCheckLinear(
        ctx,
        `sgplan${min}`,
        { x, weight: w, m: 1, matvecSubgroups: true },
        quantCase('q4', host, k, xHost, 1, spread(n)),
      );
    }
  });

  it('subgroup variant: folds the grid into y (fake per-dimension limit of 2)', async () => {
    const real = await testGpu();
    const ctx = { ...real, limits: { ...real.limits, maxComputeWorkgroupsPerDimension: 2 } };
    const [n, k] = [1000, 64]; // 256 rows per workgroup at subgroup size 4 → 4 workgroups → 2 × 2
    const { w, x, refCase } = randomQuantLinear(ctx, 'q4', 'sgfold', [n, k], { seed: 19 });
    expect(
      linear(ctx, 'sgfold.probe', { x, weight: w, m: 1, y: createTensor(ctx, 'sgfold.probe.y', 'f32', [n]) })
        .dispatches[0]!.workgroups,
    ).toEqual([2, 2, 1]);
    await runAndCheckLinear(ctx, 'sgfold', { x, weight: w, m: 1 }, refCase(1));
  });

  it('folds the grid into y past the per-dimension limit (fake limit of 16; a real >65535 dispatch is in embed.gpu.test)', async () => {
    // The 7B lm_head never needs it here (32 rows per workgroup, 3 chunks), but a device with a lower limit or a
    // larger vocabulary would. 1000 rows at 4 per workgroup = 250 workgroups → 16 × 16 with 6 past the end.
    const real = await testGpu();
    const ctx = { ...real, limits: { ...real.limits, maxComputeWorkgroupsPerDimension: 16 } };
    const [n, k] = [1000, 64];
    const { w, x, refCase } = randomQuantLinear(ctx, 'q4', 'fold', [n, k], { seed: 7 });
    const args = { x, weight: w, m: 1, matvecThreadsPerRow: 256, matvecSubgroups: false };
    expect(
      linear(ctx, 'fold.probe', { ...args, y: createTensor(ctx, 'fold.probe.y', 'f32', [n]) }).dispatches[0]!
        .workgroups,
    ).toEqual([16, 16, 1]);
    await runAndCheckLinear(ctx, 'fold', args, refCase(1));
  });
});

describe('q4 linear, matrix-matrix path', () => {
  it('matches the reference for M not a tile multiple, chunked weights, x offset and bf16 bias', async () => {
    const ctx = await testGpu();
    const [n, k] = [200, 96];
    const chunks = { maxChunkBytes: 64 * (k / 2) };
    const { w, x, refCase } = randomQuantLinear(ctx, 'q4', 'mm', [n, k], { seed: 9, xRows: 72, chunks });
    expect(w.chunks.length).toBe(4);
    const bias = makeBias(ctx, 'mm.b', 'bf16', randomF32(n, 11));
    for (const m of [1, 5, 70]) {
      await runAndCheckLinear(
        ctx,
        `mm.m${m}`,
        { x, weight: w, m, xRowOffset: 1, bias: bias.tensor, path: 'matmul' },
        refCase(m, bias.values),
      );
    }
  });
});

describe('16-bit linear', () => {
  for (const dtype of ['bf16', 'f16'] as const) {
    it(`${dtype}: both paths, K not a multiple of 32, chunked, f16 bias`, async () => {
      const ctx = await testGpu();
      const [n, k, m] = [150, 100, 67];
      const bits = Uint16Array.from(randomF32(n * k, 12, 0.2), (v) => f32To16Bits(dtype, v));
      const wValues = widen16(dtype, bits);
      const w = uploadW16(ctx, `w16.${dtype}`, dtype, bits, n, k, { maxChunkBytes: 64 * k * 2 });
      expect(w.chunks.length).toBe(3);
      const xHost = randomF32((m + 1) * k, 13);
      const x = uploadTensor(ctx, `w16.${dtype}.x`, 'f32', [m + 1, k], xHost);
      const bias = makeBias(ctx, `w16.${dtype}.b`, 'f16', randomF32(n, 14));
      const c = (rows: number) => ({ xHost, m: rows, wRows: wValues, cols: spread(n), biasValues: bias.values });
      await runAndCheckLinear(ctx, `w16.${dtype}.mv`, { x, weight: w, m: 1, xRowOffset: 1, bias: bias.tensor }, c(1));
      await runAndCheckLinear(ctx, `w16.${dtype}.mm`, { x, weight: w, m, xRowOffset: 1, bias: bias.tensor }, c(m));
      // A plain tensor works as a one-chunk weight.
      const t = uploadTensor(ctx, `w16.${dtype}.tensor`, dtype, [n, k], bits);
      await runAndCheckLinear(ctx, `w16.${dtype}.tensor`, { x, weight: t, m }, { ...c(m), biasValues: undefined });
    });
  }

  it('folds the grid into y on a device whose per-dimension limit is lower (bf16 matvec)', async () => {
    // Same fold as past 65535, but at a fake limit of 16 (250 workgroups → 16 × 16, 6 past the end) so the test stays cheap on SwiftShader.
    const real = await testGpu();
    const ctx = { ...real, limits: { ...real.limits, maxComputeWorkgroupsPerDimension: 16 } };
    const [n, k] = [1000, 8];
    const bits = Uint16Array.from(randomF32(n * k, 15), (v) => f32To16Bits('bf16', v));
    const w = uploadW16(ctx, 'fold16.w', 'bf16', bits, n, k);
    const xHost = randomF32(k, 16);
    const x = uploadTensor(ctx, 'fold16.x', 'f32', [1, k], xHost);
    const args = { x, weight: w, m: 1, matvecThreadsPerRow: 256 };
    expect(
      linear(ctx, 'fold16.probe', { ...args, y: createTensor(ctx, 'fold16.probe.y', 'f32', [n]) }).dispatches[0]!
        .workgroups,
    ).toEqual([16, 16, 1]);
    await runAndCheckLinear(ctx, 'fold16', args, { xHost, m: 1, wRows: widen16('bf16', bits), cols: spread(n) });
  });
});

describe('linear argument checks', () => {
  it('names the kernel, the tensor and the numbers', async () => {
    const ctx = await testGpu();
    const w = createQ4Weight(ctx, 'chk.w', 64, 64);
    const x = createTensor(ctx, 'chk.x', 'f32', [2, 64]);
    const y = createTensor(ctx, 'chk.y', 'f32', [2, 64]);
    expect(() => linear(ctx, 'chk', { x: createTensor(ctx, 'x48', 'f32', [2, 48]), weight: w, y, m: 1 })).toThrow(
      /chk: x \(x48\) has shape \[2, 48\], expected rows of 64/,
    );
    expect(() => linear(ctx, 'chk', { x, weight: w, y, m: 2, xRowOffset: 1 })).toThrow(
      /x \(chk\.x\) has 128 elements, need 3 rows of 64/,
    );
    expect(() => linear(ctx, 'chk', { x, weight: w, y, m: 2, path: 'matvec' })).toThrow(
      /matvec path computes one row, got m = 2/,
    );
    expect(() => linear(ctx, 'chk', { x, weight: w, y, m: 1, bias: createTensor(ctx, 'b', 'f32', [63]) })).toThrow(
      /bias \(b\) has 63 elements, expected N = 64/,
    );
    expect(() => linear(ctx, 'chk', { x, weight: w, y: x, m: 1 })).toThrow(/must be different buffers/);
    expect(() => linear(ctx, 'chk', { x, weight: w, y, m: 1, bias: createTensor(ctx, 'bu', 'u32', [64]) })).toThrow(
      /bias \(bu\) is u32/,
    );
  });
});
