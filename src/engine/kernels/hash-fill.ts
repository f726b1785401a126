// Hash-PRNG bf16 weights generated on the GPU (shaders/hash_fill.wgsl), bit-identical to the host generator, so the
// benchmark can build a full 7B with no download and no host-side generation (a 7B is ~8 G values).
import { amplitudeParts } from '../../lib/hash-prng';
import type { GpuContext } from '../gpu/device';
import { deviceGrid, kernelOp, makeDispatch, Uniforms, type KernelOp } from '../gpu/dispatch';
import { kernelPipeline } from './shader-source';

const WG = 256;

export interface HashFillArgs {
  /** Receives bf16 two per u32 word (element 2k in the low half). */
  dst: GPUBuffer;
  /** First u32 word of dst written. */
  dstWord0: number;
  /** The tensor's stream key (`streamKey(seed, name)`). */
  key: number;
  /** Standard deviation of the tensor (mean 0). */
  std: number;
  /** Flat index of the first element in the tensor, and how many elements to write. */
  elem0: number;
  count: number;
}

/** One dispatch writing `count` hash values. */
export function hashFillBf16(ctx: GpuContext, label: string, a: HashFillArgs): KernelOp {
  for (const [name, v] of Object.entries({ dstWord0: a.dstWord0, elem0: a.elem0, count: a.count })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${label}: ${name} ${v} must be a non-negative integer`);
  }
  if (a.count === 0) throw new Error(`${label}: nothing to generate`);
  if (a.elem0 + a.count > 2 ** 32)
    throw new Error(`${label}: elements [${a.elem0}, ${a.elem0 + a.count}) pass the 2^32 counter`);
  const words = Math.ceil(a.count / 2);
  if ((a.dstWord0 + words) * 4 > a.dst.size)
    throw new Error(`${label}: words [${a.dstWord0}, ${a.dstWord0 + words}) pass ${a.dst.label}'s ${a.dst.size} bytes`);
  if (a.dst.size > ctx.limits.maxStorageBufferBindingSize)
    throw new Error(`${label}: ${a.dst.label} (${a.dst.size} bytes) passes the binding limit`);
  const amp = amplitudeParts(a.std);
  // |value| = |n|·A · 2^e with |n|·A in [2^52, 2^77]: both ends must be normal f32 (and bf16) numbers.
  const e = amp.exp - 24;
  if (e + 52 < -126 || e + 77 > 127)
    throw new Error(`${label}: std ${a.std} gives values outside the normal f32 range`);
  const pipeline = kernelPipeline(ctx, 'hash_fill.wgsl');
  const params = new Uniforms(ctx, `${label}.params`, [
    'words',
    'word0',
    'elem0',
    'count',
    'key',
    'a_hi',
    'a_lo',
    'exp_base',
  ])
    .setU32('words', words)
    .setU32('word0', a.dstWord0)
    .setU32('elem0', a.elem0)
    .setU32('count', a.count)
    .setU32('key', a.key >>> 0)
    .setU32('a_hi', amp.aHi)
    .setU32('a_lo', amp.aLo)
    .setI32('exp_base', e)
    .write();
  return kernelOp([
    makeDispatch(ctx, label, pipeline, [a.dst, params], deviceGrid(ctx, Math.ceil(words / WG)), [params]),
  ]);
}
