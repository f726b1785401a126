// A quantized folder from a checkpoint, on the CPU: the same tensors, labels, order, parts, q4/q8 bytes, checksums
// and manifest as the browser's cache entry (GPU quantizer + CachingProvider + CacheWriter, format v2), so export
// and this script agree byte for byte (e2e/cache-manager.spec.ts). The order and fusions come from the model's own
// provideWeights, the parts from partRows, the bytes from src/lib/quantize.ts (text linears) and the rules of
// load-weights.ts (16-bit, dense, f32 biases). Each part is made from just its rows, so memory stays near one part.
import { quantizeRows } from '../../src/lib/quantize';
import type { DType } from '../../src/engine/gpu/tensor';
import {
  biasValues,
  dtype16,
  eachInRange,
  fusedShape,
  provideWeights,
  type WeightProvider,
} from '../../src/engine/model/qwen2_5_vl/load-weights';
import { partRows } from '../../src/engine/model/qwen2_5_vl/weight-cache';
import { CACHED_FILES } from '../../src/engine/weights/model-files';
import { CacheWriter, type BufferToCache } from '../../src/engine/weights/cache/cache-writer';
import { cacheKey, type CacheIdentity, type CacheTensorEntry } from '../../src/engine/weights/cache/manifest';
import { removeIfPresent } from '../../src/engine/weights/cache/opfs';
import { f32ToBf16 } from '../../src/engine/weights/bf16';
import type { Checkpoint } from '../../src/engine/weights/checkpoint';
import { quantScheme, type QuantFormat } from '../../src/engine/weights/q8-scheme';
import { chunkF32, type TensorChunk } from '../../src/engine/weights/tensor-stream';
import { gpuDtype } from '../../src/engine/weights/upload';

type Step =
  | { kind: 'text' | 'vision' | 'bias'; label: string; names: string[] }
  | { kind: 'dense'; label: string; names: [string] };

/** The weights a load makes, in the order it makes them (the order CachingProvider writes them in). */
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

const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Fused rows [a, b) of `names`, each row `cols` elements wide, through `put(chunk, firstRowOfChunkInRange)`. */
async function eachRowChunk(
  ckpt: Checkpoint,
  label: string,
  names: string[],
  [a, b]: readonly [number, number],
  put: (c: TensorChunk, at: number) => void,
): Promise<void> {
  const { offsets } = fusedShape(ckpt, label, names);
  for (const { name, offset, rows } of eachInRange(ckpt, names, offsets, [a, b]))
    for await (const c of ckpt.stream(name, { rows })) put(c, offset + c.rowStart - a);
}

/** One part of a text linear: q4 (8 codes a u32) or q8 (4 codes a u32), with f16 scales. */
async function quantizedPart(
  ckpt: Checkpoint,
  label: string,
  names: string[],
  format: QuantFormat,
  range: readonly [number, number],
  cols: number,
): Promise<BufferToCache[]> {
  const n = range[1] - range[0];
  const perWord = format === 'q8' ? 4 : 8;
  const qweight = new Uint32Array((n * cols) / perWord);
  const scales = new Uint16Array((n * cols) / 32);
  await eachRowChunk(ckpt, label, names, range, (c, at) =>
    quantizeRows(
      format,
      chunkF32(c),
      c.rows,
      cols,
      qweight.subarray((at * cols) / perWord),
      scales.subarray((at * cols) / 32),
      label,
    ),
  );
  return [
    { role: 'qweight', dtype: 'u32', shape: [n, cols / perWord], bytes: u8(qweight) },
    { role: 'scales', dtype: 'f16', shape: [(n * cols) / 32], bytes: u8(scales) },
  ];
}

/** One part of a 16-bit matrix; F32 tensors rounded to bf16 as load-weights does. */
async function w16Part(
  ckpt: Checkpoint,
  label: string,
  names: string[],
  dtype: 'bf16' | 'f16',
  range: readonly [number, number],
  cols: number,
): Promise<BufferToCache[]> {
  const n = range[1] - range[0];
  const data = new Uint8Array(n * cols * 2);
  await eachRowChunk(ckpt, label, names, range, (c, at) =>
    data.set(c.dtype === 'F32' ? u8(f32ToBf16(c.bytes)) : c.bytes, at * cols * 2),
  );
  return [{ role: 'data', dtype, shape: [n, cols], bytes: data }];
}

export interface QuantizeFolderOptions {
  modelId: string;
  revision: string | null;
  /** The text linears' form (default q4). */
  quantization?: QuantFormat;
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
  const format = opts.quantization ?? 'q4';
  const identity: CacheIdentity = {
    modelId: opts.modelId,
    revision: opts.revision,
    quantization: quantScheme(format),
  };
  const key = cacheKey(identity);
  await removeIfPresent(out, key, true);
  const dir = await out.getDirectoryHandle(key, { create: true });
  const writer = new CacheWriter(out, dir, key, identity, 0, null, {
    source: { label: opts.sourceLabel, validators: {} },
  });
  try {
    await writer.start();
    for (const f of CACHED_FILES) {
      const text = await ckpt.source.readTextOptional(f);
      if (text !== null) await writer.putFile(f, text);
    }
    const steps = await weightSteps(ckpt);
    for (const [i, s] of steps.entries()) {
      // As CachingProvider: matrices in parts of partRows rows, norms and biases as one part.
      let meta: Pick<CacheTensorEntry, 'name' | 'format' | 'shape'> & { sources: string[] };
      let perPart: number;
      let part: (range: readonly [number, number]) => Promise<BufferToCache[]>;
      if (s.kind === 'text' || s.kind === 'vision') {
        const { rows, cols } = fusedShape(ckpt, s.label, s.names);
        const dtype = s.kind === 'text' ? format : dtype16(ckpt, s.names, s.label);
        meta = { name: s.label, format: dtype, shape: [rows, cols], sources: s.names };
        perPart = partRows(rows, cols);
        part = (r) =>
          dtype === 'q4' || dtype === 'q8'
            ? quantizedPart(ckpt, s.label, s.names, dtype, r, cols)
            : w16Part(ckpt, s.label, s.names, dtype, r, cols);
      } else if (s.kind === 'bias') {
        const values = await biasValues(ckpt, s.names);
        meta = { name: s.label, format: 'f32', shape: [values.length], sources: s.names };
        perPart = values.length;
        part = async () => [{ role: 'data', dtype: 'f32', shape: [values.length], bytes: u8(values) }];
      } else {
        const t = ckpt.tensor(s.label);
        const dtype: DType = gpuDtype(t.dtype);
        const shape = t.shape.length ? [...t.shape] : [1];
        meta = { name: s.label, format: dtype, shape, sources: s.names };
        perPart = shape[0]!;
        part = async () => {
          const data = new Uint8Array(t.byteLength);
          let at = 0;
          for await (const c of ckpt.stream(s.label)) {
            data.set(c.bytes, at);
            at += c.bytes.byteLength;
          }
          return [{ role: 'data', dtype, shape, bytes: data }];
        };
      }
      const rows = meta.shape[0]!;
      for (let a = 0; a < rows; a += perPart) {
        const b = Math.min(rows, a + perPart);
        await writer.putPart(meta, { row0: a, rows: b - a, buffers: await part([a, b]) });
      }
      opts.onTensor?.(s.label, i + 1, steps.length);
    }
    await writer.commit();
    return key;
  } catch (e) {
    await writer.abort();
    throw e;
  }
}
