// Memory plan inputs: the bytes every weight occupies on the GPU in its stored form, from a ModelSpec alone
// (before anything is downloaded) or refined with a checkpoint's real dtypes. q4 tensors per ARCHITECTURE.md
// §4; dense tensors in their checkpoint dtype (16-bit packed two per u32, F32 as f32).
import { byteSize, type DType } from '../gpu/tensor';
import type { ModelSpec } from '../spec/model-spec';
import { checkpointTensors, type TensorRequirement } from '../spec/tensors';
import { q4ByteSize } from './q4-scheme';
import type { SafetensorsDType } from './safetensors';
import { gpuDtype } from './upload';

export interface StoredWeightSize {
  name: string;
  shape: number[];
  tower: 'vision' | 'text';
  /** How it is stored: 'q4', or the dense GPU dtype. */
  format: 'q4' | DType;
  bytes: number;
  /** For q4: the packed-nibble and scale buffers. */
  q4?: { qweight: number; scales: number };
}

export interface WeightBytes {
  tensors: StoredWeightSize[];
  total: number;
  q4: number;
  dense: number;
  vision: number;
  text: number;
  /** The largest single tensor (for binding-limit checks; q4 counts its qweight buffer). */
  largest: { name: string; bytes: number };
}

export interface StorageOptions {
  /** false = the unquantized parity mode: every tensor dense (default true). */
  quantize?: boolean;
  /** Source dtype per canonical name (default BF16, the dtype of the published checkpoints). */
  sourceDtype?: (name: string) => SafetensorsDType;
}

function size(r: TensorRequirement, opts: StorageOptions): StoredWeightSize {
  const numel = r.shape.reduce((a, b) => a * b, 1);
  if (r.storage === 'q4' && opts.quantize !== false) {
    const q = q4ByteSize(r.shape[0]!, numel / r.shape[0]!, r.name);
    return {
      name: r.name,
      shape: r.shape,
      tower: r.tower,
      format: 'q4',
      bytes: q.total,
      q4: { qweight: q.qweight, scales: q.scales },
    };
  }
  const dtype = gpuDtype(opts.sourceDtype?.(r.name) ?? 'BF16');
  return { name: r.name, shape: r.shape, tower: r.tower, format: dtype, bytes: byteSize(dtype, numel) };
}

export function weightStorageBytes(spec: ModelSpec, opts: StorageOptions = {}): WeightBytes {
  const tensors = checkpointTensors(spec).map((r) => size(r, opts));
  const sum = (pred: (t: StoredWeightSize) => boolean): number => tensors.filter(pred).reduce((a, t) => a + t.bytes, 0);
  let largest = { name: '', bytes: 0 };
  for (const t of tensors) {
    const b = t.q4 ? t.q4.qweight : t.bytes;
    if (b > largest.bytes) largest = { name: t.name, bytes: b };
  }
  return {
    tensors,
    total: sum(() => true),
    q4: sum((t) => t.format === 'q4'),
    dense: sum((t) => t.format !== 'q4'),
    vision: sum((t) => t.tower === 'vision'),
    text: sum((t) => t.tower === 'text'),
    largest,
  };
}
