// A quantized folder from a checkpoint, on the CPU: the same tensors, labels, order, row chunks, q4 bytes and
// manifest as the browser's cache entry (GPU quantizer + CacheWriter), so export and this script agree byte for
// byte (e2e/cache-manager.spec.ts). The order and fusions come from the model's own provideWeights; the bytes
// from src/lib/q4.ts (q4) and the rules of weights/upload.ts and load-weights.ts (16-bit, dense, f32 biases).
import { f16BitsToF32 } from '../../src/lib/f16';
import { quantizeQ4Rows } from '../../src/lib/q4';
import { byteSize, type DType } from '../../src/engine/gpu/tensor';
import { planRowChunks } from '../../src/engine/kernels/weight-chunks';
import { provideWeights, type WeightProvider } from '../../src/engine/model/qwen2_5_vl/load-weights';
import { CACHED_FILES } from '../../src/engine/model/qwen2_5_vl/weight-cache';
import { CacheWriter, type TensorToCache } from '../../src/engine/weights/cache/cache-writer';
import { cacheKey, type CacheIdentity } from '../../src/engine/weights/cache/manifest';
import { writeWholeFile, removeIfPresent } from '../../src/engine/weights/cache/opfs';
import { f32ToBf16 } from '../../src/engine/weights/bf16';
import type { Checkpoint } from '../../src/engine/weights/checkpoint';
import { Q4_SCHEME } from '../../src/engine/weights/q4-scheme';
import type { TensorChunk } from '../../src/engine/weights/tensor-stream';
import { gpuDtype } from '../../src/engine/weights/upload';

type Step =
  | { kind: 'text' | 'vision' | 'bias'; label: string; names: string[] }
  | { kind: 'dense'; label: string; names: [string] };

/** The weights a load makes, in the order it makes them (what CheckpointProvider.made holds). */
export async function weightSteps(ckpt: Checkpoint): Promise<Step[]> {
  const steps: Step[] = [];
  const record =
    (kind: 'text' | 'vision' | 'bias') =>
    (label: string, names: string[]): Promise<never> => {
      steps.push({ kind, label, names });
      return Promise.resolve(undefined as never); // only the order is wanted; nothing reads the result
    };
  const recorder: WeightProvider = {
    textMatrix: record('text'),
    visionMatrix: record('vision'),
    bias: record('bias'),
    dense: (name) => {
      steps.push({ kind: 'dense', label: name, names: [name] });
      return Promise.resolve(undefined as never);
    },
  };
  await provideWeights(recorder, ckpt.spec);
  return steps;
}

function rowsOf(ckpt: Checkpoint, name: string): { rows: number; cols: number } {
  const s = ckpt.tensor(name).shape;
  return { rows: s[0]!, cols: s.slice(1).reduce((a, b) => a * b, 1) };
}

function toF32(c: TensorChunk): Float32Array {
  const n = c.rows * c.rowElements;
  if (c.dtype === 'F32') return new Float32Array(c.bytes.buffer, c.bytes.byteOffset, n);
  const u16 = new Uint16Array(c.bytes.buffer, c.bytes.byteOffset, n);
  const out = new Float32Array(n);
  if (c.dtype === 'BF16') {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = u16[i]! << 16;
  } else for (let i = 0; i < n; i++) out[i] = f16BitsToF32(u16[i]!);
  return out;
}

const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** q4 of a fused matrix (rows of `names` stacked), in row chunks of at most `limit` bytes as createQ4Weight plans. */
async function q4Matrix(ckpt: Checkpoint, label: string, names: string[], limit: number): Promise<TensorToCache> {
  const dims = names.map((n) => rowsOf(ckpt, n));
  const cols = dims[0]!.cols;
  if (dims.some((d) => d.cols !== cols)) throw new Error(`${label}: fused tensors disagree on the input size`);
  const rows = dims.reduce((a, d) => a + d.rows, 0);
  const groups = cols / 32;
  const parts = planRowChunks(label, rows, cols / 2, limit).map((r) => ({
    ...r,
    qweight: new Uint32Array((r.rows * cols) / 8),
    scales: new Uint16Array(byteSize('f16', r.rows * groups) / 2),
  }));
  let base = 0;
  for (const [i, name] of names.entries()) {
    for await (const c of ckpt.stream(name)) {
      const w = toF32(c);
      const g0 = base + c.rowStart;
      for (const p of parts) {
        const a = Math.max(g0, p.row0);
        const b = Math.min(g0 + c.rows, p.row0 + p.rows);
        if (a >= b) continue;
        quantizeQ4Rows(
          w.subarray((a - g0) * cols, (b - g0) * cols),
          b - a,
          cols,
          p.qweight.subarray(((a - p.row0) * cols) / 8),
          p.scales.subarray((a - p.row0) * groups),
          label,
        );
      }
    }
    base += dims[i]!.rows;
  }
  return {
    name: label,
    format: 'q4',
    shape: [rows, cols],
    parts: parts.map((p) => ({
      row0: p.row0,
      rows: p.rows,
      buffers: [
        { role: 'qweight', dtype: 'u32', shape: [p.rows, cols / 8], bytes: u8(p.qweight) },
        { role: 'scales', dtype: 'f16', shape: [(p.rows * cols) / 32], bytes: u8(p.scales) },
      ],
    })),
  };
}

/** A fused 16-bit matrix as createW16Weight chunks it; F32 tensors rounded to bf16 as load-weights does. */
async function w16Matrix(ckpt: Checkpoint, label: string, names: string[], limit: number): Promise<TensorToCache> {
  const dims = names.map((n) => rowsOf(ckpt, n));
  const cols = dims[0]!.cols;
  const dts = new Set(names.map((n) => ckpt.tensor(n).dtype));
  if (dts.size !== 1) throw new Error(`${label}: the fused tensors have different dtypes (${[...dts].join(', ')})`);
  const dtype: 'bf16' | 'f16' = dts.has('F16') ? 'f16' : 'bf16';
  const rows = dims.reduce((a, d) => a + d.rows, 0);
  const parts = planRowChunks(label, rows, cols * 2, limit).map((r) => ({
    ...r,
    data: new Uint8Array(r.rows * cols * 2),
  }));
  let base = 0;
  for (const [i, name] of names.entries()) {
    for await (const c of ckpt.stream(name)) {
      const bytes = c.dtype === 'F32' ? u8(f32ToBf16(c.bytes)) : c.bytes;
      const g0 = base + c.rowStart;
      for (const p of parts) {
        const a = Math.max(g0, p.row0);
        const b = Math.min(g0 + c.rows, p.row0 + p.rows);
        if (a < b) p.data.set(bytes.subarray((a - g0) * cols * 2, (b - g0) * cols * 2), (a - p.row0) * cols * 2);
      }
    }
    base += dims[i]!.rows;
  }
  return {
    name: label,
    format: dtype,
    shape: [rows, cols],
    parts: parts.map((p) => ({
      row0: p.row0,
      rows: p.rows,
      buffers: [{ role: 'data', dtype, shape: [p.rows, cols], bytes: p.data }],
    })),
  };
}

/** One buffer in the checkpoint's dtype (norms), zero-padded to 4 bytes as a GPU buffer is. */
async function dense(ckpt: Checkpoint, name: string, limit: number): Promise<TensorToCache> {
  const t = ckpt.tensor(name);
  if (t.byteLength > limit) throw new Error(`${name}: ${t.byteLength} bytes exceed the binding limit ${limit}`);
  const dtype: DType = gpuDtype(t.dtype);
  const shape = t.shape.length === 0 ? [1] : [...t.shape];
  const data = new Uint8Array(
    byteSize(
      dtype,
      shape.reduce((a, b) => a * b, 1),
    ),
  );
  let at = 0;
  for await (const c of ckpt.stream(name)) {
    data.set(c.bytes, at);
    at += c.bytes.byteLength;
  }
  return {
    name,
    format: dtype,
    shape,
    parts: [{ row0: 0, rows: shape[0]!, buffers: [{ role: 'data', dtype, shape, bytes: data }] }],
  };
}

/** Biases concatenated and widened to f32 (exact), as load-weights' biasF32. */
async function bias(ckpt: Checkpoint, label: string, names: string[]): Promise<TensorToCache> {
  const parts: Float32Array[] = [];
  for (const n of names) for await (const c of ckpt.stream(n)) parts.push(Float32Array.from(toF32(c)));
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const shape = [all.length];
  return {
    name: label,
    format: 'f32',
    shape,
    parts: [{ row0: 0, rows: all.length, buffers: [{ role: 'data', dtype: 'f32', shape, bytes: u8(all) }] }],
  };
}

export interface QuantizeFolderOptions {
  modelId: string;
  revision: string | null;
  /** Largest buffer (bytes): the loading GPU's maxStorageBufferBindingSize (default 128 MiB, WebGPU's default). */
  maxBindingBytes: number;
  /** Where the checkpoint came from, recorded in the manifest. */
  sourceLabel: string;
  onTensor?: (label: string, index: number, count: number) => void;
}

/**
 * Writes the quantized folder `<out>/<cache key>/` (manifest last) for an opened checkpoint; returns its name.
 * Any failure removes the half-written folder.
 */
export async function writeQuantizedFolder(
  ckpt: Checkpoint,
  out: FileSystemDirectoryHandle,
  opts: QuantizeFolderOptions,
): Promise<string> {
  const identity: CacheIdentity = { modelId: opts.modelId, revision: opts.revision, quantization: Q4_SCHEME };
  const key = cacheKey(identity);
  await removeIfPresent(out, key, true);
  const dir = await out.getDirectoryHandle(key, { create: true });
  await writeWholeFile(dir, 'pending.json', JSON.stringify({ ...identity, startedAt: new Date().toISOString() }));
  const writer = new CacheWriter(out, dir, key, identity, 0, null, {
    source: { label: opts.sourceLabel, validators: {} },
  });
  try {
    for (const f of CACHED_FILES) {
      const text = await ckpt.source.readTextOptional(f);
      if (text !== null) await writer.putFile(f, text);
    }
    const steps = await weightSteps(ckpt);
    const limit = opts.maxBindingBytes;
    for (const [i, s] of steps.entries()) {
      const t =
        s.kind === 'text'
          ? await q4Matrix(ckpt, s.label, s.names, limit)
          : s.kind === 'vision'
            ? await w16Matrix(ckpt, s.label, s.names, limit)
            : s.kind === 'bias'
              ? await bias(ckpt, s.label, s.names)
              : await dense(ckpt, s.label, limit);
      await writer.putTensor(t);
      opts.onTensor?.(s.label, i + 1, steps.length);
    }
    await writer.commit();
    return key;
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
