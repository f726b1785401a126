// The peer: onnxruntime-web's WebGPU execution provider on the ONNX twin (tools/bench: the model builder's graph
// with our q4 weights). Driven the way transformers.js drives a decoder: present KV tensors stay on the GPU
// (`preferredOutputLocation: 'gpu-buffer'`) and come back as the next step's past; the pruned last-row logits
// are read to the CPU and the next id is the argmax.
import * as ort from 'onnxruntime-web/webgpu';
import { argmax } from './prompt';

export interface OrtModel {
  session: ort.InferenceSession;
  layers: number;
  kvHeads: number;
  headDim: number;
  loadMs: number;
  version: string;
}

export interface OrtTextRun {
  promptTokens: number;
  prefillMs: number;
  decodeSteps: number;
  /** Wall time of runs 1 … n−1 (run 0 is the prefill that produced the first token). */
  decodeMs: number;
  tokens: number[];
  firstLogits: Float32Array;
}

/**
 * A device for onnxruntime-web with every adapter feature except subgroups, at the adapter's limits. Needed where
 * ORT's subgroup kernels assume a larger subgroup than the adapter has: on SwiftShader (subgroup size 4) its
 * GroupQueryAttention returns wrong rows once a query sees more than 4 keys.
 */
export async function deviceWithoutSubgroups(): Promise<GPUDevice> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter for onnxruntime-web');
  const features = [...adapter.features].filter(
    (f) => f !== 'subgroups' && f !== 'subgroup-size-control',
  ) as GPUFeatureName[];
  const L = adapter.limits;
  const names = [
    'maxBufferSize',
    'maxStorageBufferBindingSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupSizeZ',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBuffersPerShaderStage',
    'maxUniformBufferBindingSize',
    'maxBindGroups',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const n of names) requiredLimits[n] = L[n];
  return adapter.requestDevice({ label: 'onnxruntime-web (no subgroups)', requiredFeatures: features, requiredLimits });
}

export async function loadOrt(
  baseUrl: string,
  shape: { layers: number; kvHeads: number; headDim: number },
  device?: GPUDevice,
): Promise<OrtModel> {
  ort.env.wasm.wasmPaths = new URL('/ort-dist/', location.href).href;
  // One thread: the graph runs on the GPU, and threads would need a cross-origin-isolated page.
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'warning';
  const present: Record<string, 'gpu-buffer'> = {};
  for (let i = 0; i < shape.layers; i++) {
    present[`present.${i}.key`] = 'gpu-buffer';
    present[`present.${i}.value`] = 'gpu-buffer';
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(`${baseUrl}model.onnx`, {
    executionProviders: [device ? { name: 'webgpu', device } : 'webgpu'],
    externalData: [{ path: 'model.onnx.data', data: `${baseUrl}model.onnx.data` }],
    preferredOutputLocation: present,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 2,
  });
  return { session, ...shape, loadMs: performance.now() - t0, version: ort.env.versions.web ?? 'unknown' };
}

const int64 = (values: ArrayLike<number>, dims: number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);

export async function runOrtText(m: OrtModel, ids: Int32Array, decodeSteps: number): Promise<OrtTextRun> {
  let past: Record<string, ort.Tensor> = {};
  for (let i = 0; i < m.layers; i++) {
    for (const kind of ['key', 'value'])
      past[`past_key_values.${i}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        m.kvHeads,
        0,
        m.headDim,
      ]);
  }
  const tokens: number[] = [];
  let firstLogits: Float32Array | null = null;
  let prefillMs = 0;
  let decodeMs = 0;
  let context = 0;
  let input: number[] = Array.from(ids);
  try {
    for (let s = 0; s < decodeSteps; s++) {
      const t0 = performance.now();
      const out = await m.session.run({
        input_ids: int64(input, [1, input.length]),
        attention_mask: int64(new Array<number>(context + input.length).fill(1), [1, context + input.length]),
        ...past,
      });
      const logits = (await out.logits!.getData()) as Float32Array;
      const id = argmax(logits);
      const ms = performance.now() - t0;
      if (s === 0) {
        prefillMs = ms;
        firstLogits = logits.slice();
      } else {
        decodeMs += ms;
      }
      out.logits!.dispose();
      for (const t of Object.values(past)) t.dispose();
      past = {};
      for (let i = 0; i < m.layers; i++) {
        past[`past_key_values.${i}.key`] = out[`present.${i}.key`]!;
        past[`past_key_values.${i}.value`] = out[`present.${i}.value`]!;
      }
      context += input.length;
      tokens.push(id);
      input = [id];
    }
  } finally {
    for (const t of Object.values(past)) t.dispose();
  }
  return { promptTokens: ids.length, prefillMs, decodeSteps, decodeMs, tokens, firstLogits: firstLogits! };
}
