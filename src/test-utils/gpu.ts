// Test-only access to a WebGPU device: Dawn in Node (gpu project) or navigator.gpu in Chromium (browser project).
import { acquireGpu, type GpuContext, type AcquireOptions } from '../engine/gpu/device';

declare global {
  // Set by dawn-setup.ts in the Node gpu project.
  var __dawnGpu: GPU | undefined;
}

const contexts = new Map<string, Promise<GpuContext>>();

/** One shared context per option set for a whole test file (devices are expensive on SwiftShader). */
export function testGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const key = JSON.stringify(options);
  let ctx = contexts.get(key);
  if (!ctx) {
    const gpu = globalThis.__dawnGpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
    if (!gpu) throw new Error('No WebGPU in this test environment (run in the gpu or browser vitest project)');
    ctx = acquireGpu(gpu, { label: 'test', ...options });
    contexts.set(key, ctx);
  }
  return ctx;
}
