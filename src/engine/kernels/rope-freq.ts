// RoPE inverse frequencies exactly as torch builds them in f32: inv_freq[j] = 1 / theta^(f32(2j / dim)), j < dim/2.
// torch's f32 pow can differ from the correctly rounded value by one ulp (measured: 1 of 64 text frequencies,
// j = 37 for theta 1e6 and dim 128); the angle error that causes is below 1e-5 rad for every position < 131072.
import type { GpuContext } from '../gpu/device';
import { uploadTensor, type GpuTensor } from '../gpu/tensor';

export function ropeInvFreq(theta: number, dim: number): Float32Array {
  if (!(theta > 0) || !Number.isInteger(dim) || dim < 2 || dim % 2 !== 0) {
    throw new Error(`ropeInvFreq: theta ${theta} must be > 0 and dim ${dim} a positive even integer`);
  }
  const out = new Float32Array(dim / 2);
  for (let j = 0; j < dim / 2; j++) out[j] = 1 / Math.fround(Math.pow(theta, Math.fround((2 * j) / dim)));
  return out;
}

/** The frequencies as a GPU tensor [dim/2] f32, shared by every layer's RoPE dispatch. */
export function ropeInvFreqTensor(ctx: GpuContext, label: string, theta: number, dim: number): GpuTensor {
  const f = ropeInvFreq(theta, dim);
  return uploadTensor(ctx, label, 'f32', [f.length], f);
}
