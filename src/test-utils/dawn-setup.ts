// Vitest setup for the `gpu` project: WebGPU in Node through Dawn (npm `webgpu`), whose globals
// (GPUBufferUsage, GPUMapMode, ...) the engine expects to find like in a browser.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
Object.defineProperty(globalThis, '__dawnGpu', { value: gpu, configurable: true });
