// The GPU hash generator against the host one (src/test-utils/hash-weights.ts, itself checked against numpy):
// every value bit for bit, at the 7B stds and extreme ones, at offsets near the 2^32 counter end, odd counts and
// word offsets — plus elements where a plain f32 implementation (t·amp rounded once to f32) would round to a
// different bf16, found by searching on the host, so a generator that skips the exact f64 product fails here.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { f32ToBf16Bits, hashBf16Range, hashU32, streamKey, type HashTensorSpec } from '../../test-utils/hash-weights';
import type { GpuContext } from '../gpu/device';
import { runOps } from '../gpu/dispatch';
import { readBuffer, storageUsage } from '../gpu/tensor';
import { hashFillBf16 } from './hash-fill';

async function gpuRange(
  ctx: GpuContext,
  spec: HashTensorSpec,
  elem0: number,
  count: number,
  dstWord0 = 0,
): Promise<Uint16Array> {
  const words = dstWord0 + Math.ceil(count / 2);
  const dst = ctx.device.createBuffer({ label: 'hash.dst', size: words * 4, usage: storageUsage() });
  const d = hashFillBf16(ctx, 'hash', {
    dst,
    dstWord0,
    key: streamKey(spec.seed, spec.name),
    std: spec.std,
    elem0,
    count,
  });
  runOps(ctx, [d]);
  d.destroy();
  const out = new Uint16Array(await readBuffer(ctx, dst, dstWord0 * 4));
  dst.destroy();
  return out.subarray(0, count);
}

function firstMismatch(got: Uint16Array, want: Uint16Array): string {
  const i = want.findIndex((w, k) => got[k] !== w);
  return i < 0 ? 'none' : `element ${i}: got 0x${got[i]!.toString(16)}, want 0x${want[i]!.toString(16)}`;
}

describe('hash_fill.wgsl', () => {
  it('matches the host generator bit for bit across stds and offsets', async () => {
    const ctx = await testGpu();
    const stds = [
      1 / Math.sqrt(3584),
      1 / Math.sqrt(18944),
      1 / Math.sqrt(1280),
      0.1,
      1,
      0.0625 / Math.sqrt(3),
      3e-30,
      1e25,
    ];
    const cases: [number, number, number][] = [
      [0, 65536, 0], // elem0, count, dstWord0
      [1_000_001, 4097, 3], // odd start and odd count
      [2 ** 32 - 3001, 3001, 0], // the last elements the counter allows
    ];
    for (const [s, std] of stds.entries()) {
      for (const [elem0, count, word0] of cases) {
        const spec = { seed: 7 + s, name: `model.layers.${s}.mlp.gate_proj.weight`, shape: [2 ** 32], std };
        const got = await gpuRange(ctx, spec, elem0, count, word0);
        const want = hashBf16Range(spec, elem0, count);
        expect(firstMismatch(got, want), `std ${std}, elements from ${elem0}`).toBe('none');
      }
    }
    expect(ctx.errors).toEqual([]);
  });

  it('matches on the elements where a single f32 rounding of t·amp would be wrong', async () => {
    const ctx = await testGpu();
    const spec = {
      seed: 3,
      name: 'model.layers.0.self_attn.q_proj.weight',
      shape: [2 ** 32],
      std: 1 / Math.sqrt(3584),
    };
    const key = streamKey(spec.seed, spec.name);
    const amp = spec.std * Math.sqrt(3);
    const ampF32 = Math.fround(amp);
    const hard: number[] = [];
    for (let i = 0; i < 4_000_000 && hard.length < 8; i++) {
      const t = (2 * ((hashU32(key, i) >>> 8) + 0.5)) / 16777216 - 1;
      if (f32ToBf16Bits(Math.fround(t * ampF32)) !== f32ToBf16Bits(t * amp)) hard.push(i);
    }
    expect(
      hard.length,
      'no element found where the f32 shortcut differs (the search is what makes this test able to fail)',
    ).toBeGreaterThan(0);
    for (const i of hard)
      expect(firstMismatch(await gpuRange(ctx, spec, i, 1), hashBf16Range(spec, i, 1)), `element ${i}`).toBe('none');
    expect(() =>
      hashFillBf16(ctx, 'hash', {
        dst: ctx.device.createBuffer({ size: 16, usage: storageUsage() }),
        dstWord0: 0,
        key,
        std: 0,
        elem0: 0,
        count: 2,
      }),
    ).toThrow(/positive/);
    expect(ctx.errors).toEqual([]);
  });
});
