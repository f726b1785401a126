import { describe, expect, it } from 'vitest';
import { testGpu } from '../../test-utils/gpu';
import { readBuffer } from '../gpu/tensor';
import type { GpuContext } from '../gpu/device';
import { tinyConfig } from '../../test-utils/test-configs';
import { openCheckpoint } from './checkpoint';
import { BytesSource } from './source';
import { buildCheckpoint } from '../../test-utils/test-checkpoint';
import { streamIntoRows, streamThroughStaging, uploadDense, uploadDenseParts } from './upload';

const withLimits = (ctx: GpuContext, binding: number): GpuContext => ({
  ...ctx,
  limits: { ...ctx.limits, maxStorageBufferBindingSize: binding },
});

async function bytesOf(ctx: GpuContext, buffer: GPUBuffer, n: number): Promise<Uint8Array> {
  return new Uint8Array(await readBuffer(ctx, buffer, 0, Math.ceil(n / 4) * 4)).subarray(0, n);
}

describe('dense GPU upload', () => {
  it('uploads BF16, F16 and F32 tensors bit-exactly in their own dtype (F32 is never narrowed)', async () => {
    const ctx = await testGpu();
    const built = buildCheckpoint(tinyConfig(), {
      dtypeOf: (n) => (n.endsWith('.bias') ? 'F32' : n.startsWith('visual.') ? 'F16' : 'BF16'),
    });
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    for (const [name, dtype] of [
      ['visual.blocks.0.attn.qkv.weight', 'f16'],
      ['visual.blocks.0.attn.qkv.bias', 'f32'],
      ['model.norm.weight', 'bf16'],
      ['visual.patch_embed.proj.weight', 'f16'],
    ] as const) {
      const t = await uploadDense(ctx, ckpt, name, { maxChunkBytes: 5000 });
      expect(t.dtype).toBe(dtype);
      expect(t.label).toBe(name);
      expect(t.shape).toEqual(built.data.get(name)!.shape);
      expect(await bytesOf(ctx, t.buffer, built.data.get(name)!.bytes.byteLength)).toEqual(built.data.get(name)!.bytes);
      t.buffer.destroy();
    }
    expect(ctx.errors).toEqual([]);
  });

  it('splits into row parts under the binding limit, with chunks straddling parts', async () => {
    const ctx = await testGpu();
    const built = buildCheckpoint(tinyConfig({ vocab: 161 }));
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    const name = 'model.embed_tokens.weight'; // [161, 64] bf16, 128-byte rows
    const w = await uploadDenseParts(ctx, ckpt, name, { maxPartBytes: 128 * 50, maxChunkBytes: 128 * 7 });
    expect(w.parts.map((p) => [p.row0, p.rows])).toEqual([
      [0, 50],
      [50, 50],
      [100, 50],
      [150, 11],
    ]);
    expect(w.parts.map((p) => p.tensor.label)).toEqual([0, 1, 2, 3].map((i) => `${name}.part${i}`));
    expect(w.parts[3]!.tensor.shape).toEqual([11, 64]);
    const want = built.data.get(name)!.bytes;
    for (const p of w.parts)
      expect(await bytesOf(ctx, p.tensor.buffer, p.rows * 128)).toEqual(
        want.subarray(p.row0 * 128, (p.row0 + p.rows) * 128),
      );
    // uploadDense refuses a tensor past the binding limit instead of silently splitting it.
    await expect(uploadDense(withLimits(ctx, 128 * 100), ckpt, name)).rejects.toThrow(
      /model\.embed_tokens\.weight: 20608 bytes exceed this GPU's binding limit 12800; use uploadDenseParts/,
    );
    expect(ctx.errors).toEqual([]);
  });

  it('handles odd-length 16-bit tensors (final bytes padded to 4) and fills caller-allocated row chunks', async () => {
    const ctx = await testGpu();
    const cfg = tinyConfig();
    (cfg.vision_config as Record<string, unknown>).intermediate_size = 47; // bf16 bias of 94 bytes
    const built = buildCheckpoint(cfg);
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    const bias = 'visual.blocks.1.mlp.up_proj.bias';
    const t = await uploadDense(ctx, ckpt, bias, { maxChunkBytes: 20 });
    expect(await bytesOf(ctx, t.buffer, 94)).toEqual(built.data.get(bias)!.bytes);

    const name = 'visual.blocks.1.mlp.down_proj.weight'; // [32, 47] bf16: 94-byte rows, so targets split at even rows
    const targets = [0, 1].map((i) => ({
      row0: i * 16,
      rows: 16,
      buffer: ctx.device.createBuffer({
        label: `t${i}`,
        size: 16 * 94,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
      }),
    }));
    await streamIntoRows(ctx, ckpt, name, targets, { maxChunkBytes: 94 * 6 });
    const want = built.data.get(name)!.bytes;
    for (const p of targets)
      expect(await bytesOf(ctx, p.buffer, 16 * 94)).toEqual(want.subarray(p.row0 * 94, (p.row0 + 16) * 94));
    await expect(streamIntoRows(ctx, ckpt, name, targets.slice(0, 1))).rejects.toThrow(
      /do not cover rows 0\.\.32 exactly once/,
    );
    expect(ctx.errors).toEqual([]);
  });

  it('feeds a tensor through one reused staging buffer to a consumer that submits GPU work per chunk', async () => {
    const ctx = await testGpu();
    const built = buildCheckpoint(tinyConfig());
    const ckpt = await openCheckpoint(new BytesSource(built.files));
    const name = 'model.embed_tokens.weight'; // [160, 64] bf16, 128-byte rows
    const dst = ctx.device.createBuffer({
      label: 'dst',
      size: 160 * 128,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const calls: [number, number, string][] = [];
    await streamThroughStaging(
      ctx,
      ckpt,
      name,
      (staging, rowStart, rows) => {
        calls.push([rowStart, rows, `${staging.dtype} ${staging.shape.join('x')}`]);
        // Stand-in for the quantizer: copy the staged rows to their place, submitted before returning.
        const enc = ctx.device.createCommandEncoder();
        enc.copyBufferToBuffer(staging.buffer, 0, dst, rowStart * 128, rows * 128);
        ctx.device.queue.submit([enc.finish()]);
      },
      { maxChunkBytes: 128 * 48 },
    );
    expect(calls).toEqual([
      [0, 48, 'bf16 48x64'],
      [48, 48, 'bf16 48x64'],
      [96, 48, 'bf16 48x64'],
      [144, 16, 'bf16 48x64'],
    ]);
    expect(await bytesOf(ctx, dst, 160 * 128)).toEqual(built.data.get(name)!.bytes);
    expect(ctx.errors).toEqual([]);
  });
});
