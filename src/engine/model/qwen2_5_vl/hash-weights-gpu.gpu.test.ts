// The benchmark's synthetic model builder (GpuHashProvider: hash weights generated on the GPU, text matrices
// quantized by the loader's q4 quantizer) against the host provider (host generator, plain-TS q4 rule), whole
// model at the tiny checkpoint's shapes: every weight buffer must be bit-identical, so a model built either way
// computes identical results. Staging is lowered to 4 KiB so each q4 tensor spans many blocks and fused
// tensors start mid-block. (The 7B-shaped layer built on the GPU is checked against the transformers golden in
// slice-7b-decoder.gpu.test.ts with VR2_SLOW_TESTS=1.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test-utils/goldens';
import { testGpu } from '../../../test-utils/gpu';
import { HashWeightProvider } from '../../../test-utils/hash-provider';
import type { GpuContext } from '../../gpu/device';
import { readBuffer } from '../../gpu/tensor';
import { parseModelSpec } from '../../spec';
import { GpuHashProvider, syntheticTensorSpecs } from './hash-weights-gpu';
import { assembleWeights, Owner, type ModelWeights } from './load-weights';

const spec = parseModelSpec({
  config: readFileSync(join(REPO_ROOT, 'src/engine/spec/fixtures/tiny-transformers-4.51.1/config.json'), 'utf8'),
});

/** Every GPU buffer of the weights, labelled, in a fixed walk order. */
function buffersOf(x: unknown, path: string, out: [string, GPUBuffer][] = []): [string, GPUBuffer][] {
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (o.kind === 'q4')
      (o.chunks as { qweight: GPUBuffer; scales: GPUBuffer }[]).forEach((c, i) =>
        out.push([`${path}.chunk${i}.qweight`, c.qweight], [`${path}.chunk${i}.scales`, c.scales]),
      );
    else if (o.kind === 'w16')
      (o.chunks as { data: GPUBuffer }[]).forEach((c, i) => out.push([`${path}.chunk${i}.data`, c.data]));
    else if ('buffer' in o && 'dtype' in o) out.push([path, o.buffer as GPUBuffer]);
    else for (const [k, v] of Object.entries(o)) if (typeof v !== 'function') buffersOf(v, `${path}.${k}`, out);
  }
  return out;
}

async function build(ctx: GpuContext, onGpu: boolean, quantize: boolean): Promise<ModelWeights> {
  const specs = syntheticTensorSpecs(spec, 11);
  const own = new Owner();
  const provider = onGpu
    ? new GpuHashProvider(ctx, own, specs, { quantize, stagingBytes: 4096 })
    : new HashWeightProvider(ctx, own, specs, { quantize });
  try {
    return await assembleWeights(ctx, own, provider, spec);
  } finally {
    provider.destroy();
  }
}

describe('GpuHashProvider (synthetic weights generated on the GPU)', () => {
  for (const quantize of [true, false]) {
    it(`builds the same ${quantize ? 'q4' : '16-bit'} model as the host generator, bit for bit`, async () => {
      const ctx = await testGpu();
      const [gpu, host] = [await build(ctx, true, quantize), await build(ctx, false, quantize)];
      const a = buffersOf({ text: gpu.text, vision: gpu.vision }, 'model');
      const b = buffersOf({ text: host.text, vision: host.vision }, 'model');
      expect(a.map(([n]) => n)).toEqual(b.map(([n]) => n));
      const gateUpCodes = a.map(([n]) => n).filter((n) => n.includes('layers.1.gateUp') && n.endsWith('qweight'));
      const codes = `q4 code buffers of layers.1.gateUp: ${gateUpCodes.join(', ') || 'none'}`;
      expect(gateUpCodes.length > 0, codes).toBe(quantize);
      const differing: string[] = [];
      for (const [i, [name, buf]] of a.entries()) {
        const [x, y] = [new Uint8Array(await readBuffer(ctx, buf)), new Uint8Array(await readBuffer(ctx, b[i]![1]))];
        if (x.length !== y.length || x.some((v, k) => v !== y[k])) differing.push(name);
      }
      expect(differing, 'weights that differ between the GPU and the host generator').toEqual([]);
      gpu.destroy();
      host.destroy();
      expect(ctx.errors).toEqual([]);
    });
  }
});
