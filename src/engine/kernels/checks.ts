// Shape and dtype checks shared by kernel wrappers; errors name the kernel, the tensor and the numbers.
import type { DType, GpuTensor } from '../gpu/tensor';

export function expectDtype(kernel: string, tensors: Record<string, GpuTensor>, ...allowed: DType[]): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (!allowed.includes(t.dtype))
      throw new Error(`${kernel}: ${name} (${t.label}) is ${t.dtype}, expected ${allowed.join(' or ')}`);
  }
}

export function expectShape(kernel: string, name: string, t: GpuTensor, shape: readonly number[]): void {
  const ok = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!ok)
    throw new Error(
      `${kernel}: ${name} (${t.label}) has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`,
    );
}

/** A tensor must hold at least `elements` elements (views and row-strided access). */
export function expectElements(kernel: string, name: string, t: GpuTensor, elements: number): void {
  const have = t.shape.reduce((a, b) => a * b, 1);
  if (have < elements)
    throw new Error(`${kernel}: ${name} (${t.label}) has ${have} elements, need at least ${elements}`);
}

/** Integer parameter within [min, max], named in the error. */
export function expectInt(kernel: string, name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${kernel}: ${name} = ${v} must be an integer in [${min}, ${max}]`);
  }
}
