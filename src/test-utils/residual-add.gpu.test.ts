import { describe, expect, it } from 'vitest';
import { testGpu } from './gpu';
import { runOps } from '../engine/gpu/dispatch';
import { createTensor, readTensorF32, uploadTensor } from '../engine/gpu/tensor';
import { seededRandom } from './random';
import { residualAdd } from './residual-add';

describe('residualAdd', () => {
  it('adds f32 vectors exactly, including a length that is not a workgroup multiple', async () => {
    const ctx = await testGpu();
    const n = 1000 * 3 + 7;
    const rand = seededRandom(1);
    const a = Float32Array.from({ length: n }, () => rand() * 100 - 50);
    const b = Float32Array.from({ length: n }, () => rand() * 100 - 50);
    const ta = uploadTensor(ctx, 'a', 'f32', [n], a);
    const tb = uploadTensor(ctx, 'b', 'f32', [n], b);
    const out = createTensor(ctx, 'out', 'f32', [n]);
    runOps(ctx, [residualAdd(ctx, 'add', ta, tb, out)]);
    const got = await readTensorF32(ctx, out);
    for (let i = 0; i < n; i++) expect(got[i]).toBe(Math.fround(a[i]! + b[i]!));
    expect(ctx.errors).toEqual([]);
  });

  it('rejects a too-short output with the sizes in the message', async () => {
    const ctx = await testGpu();
    const t = createTensor(ctx, 'x', 'f32', [8]);
    const short = createTensor(ctx, 'short', 'f32', [4]);
    expect(() => residualAdd(ctx, 'add', t, t, short)).toThrow(/short\) has 4 elements, need 8/);
  });
});
