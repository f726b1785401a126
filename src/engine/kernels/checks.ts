// Shape and dtype checks shared by kernel wrappers; errors name the kernel, the tensor and the numbers.
import type { DType, GpuTensor } from '../gpu/tensor';

export function expectDtype(kernel: string, tensors: Record<string, GpuTensor>, ...allowed: DType[]): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (!allowed.includes(t.dtype)) throw new Error(`${kernel}: ${name} (${t.label}) is ${t.dtype}, expected ${allowed.join(' or ')}`);
  }
}

export function expectShape(kernel: string, name: string, t: GpuTensor, shape: readonly number[]): void {
  const ok = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!ok) throw new Error(`${kernel}: ${name} (${t.label}) has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
}
