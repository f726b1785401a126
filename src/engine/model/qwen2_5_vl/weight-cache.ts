// The quantized model in the browser's OPFS cache (ARCHITECTURE.md §10): written once after a download, loaded on
// later visits with no network. Entries are keyed by model id, revision and the q4/q8 scheme (q4 and q8 entries
// of one model coexist), so a change to the
// scheme never serves stale weights. Weights are stored in their GPU form under the forward pass's labels.
import type { GpuContext } from '../../gpu/device';
import type { GpuTensor } from '../../gpu/tensor';
import type { W16Weight } from '../../kernels/weight-chunks';
import type { ModelSpec } from '../../spec/model-spec';
import type { CachedModel, LoadedTensor } from '../../weights/cache/cached-model';
import type { CacheWriter, TensorToCache } from '../../weights/cache/cache-writer';
import {
  assembleWeights,
  Owner,
  type MadeWeights,
  type Matrix,
  type ModelWeights,
  type WeightProvider,
} from './load-weights';

/** Small files the model needs besides tensors (config, tokenizer). */
export const CACHED_FILES = [
  'config.json',
  'generation_config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'chat_template.json',
];

function toCache(label: string, w: Matrix | GpuTensor): TensorToCache {
  if ('kind' in w && w.kind !== 'w16') {
    return {
      name: label,
      format: w.kind,
      shape: [w.rows, w.cols],
      parts: w.chunks.map((c) => ({
        row0: c.row0,
        rows: c.rows,
        buffers: [
          { role: 'qweight', dtype: 'u32', shape: [c.rows, w.cols / (w.kind === 'q4' ? 8 : 4)], buffer: c.qweight },
          { role: 'scales', dtype: 'f16', shape: [(c.rows * w.cols) / 32], buffer: c.scales },
        ],
      })),
    };
  }
  if ('kind' in w) {
    return {
      name: label,
      format: w.dtype,
      shape: [w.rows, w.cols],
      parts: w.chunks.map((c) => ({
        row0: c.row0,
        rows: c.rows,
        buffers: [{ role: 'data', dtype: w.dtype, shape: [c.rows, w.cols], buffer: c.data }],
      })),
    };
  }
  return {
    name: label,
    format: w.dtype,
    shape: [...w.shape],
    parts: [
      {
        row0: 0,
        rows: w.shape[0] ?? 1,
        buffers: [{ role: 'data', dtype: w.dtype, shape: [...w.shape], buffer: w.buffer }],
      },
    ],
  };
}

/** Writes every weight a load made, plus the small files, then commits the entry. */
export async function writeModelCache(
  writer: CacheWriter,
  made: MadeWeights,
  files: Record<string, string>,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  try {
    for (const [path, text] of Object.entries(files)) await writer.putFile(path, text);
    let i = 0;
    for (const [label, w] of made) {
      await writer.putTensor(toCache(label, w));
      onProgress?.(++i, made.size);
    }
    await writer.commit();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

class CacheProvider implements WeightProvider {
  constructor(
    private readonly ctx: GpuContext,
    private readonly own: Owner,
    private readonly cached: CachedModel,
  ) {}

  private async load(label: string): Promise<LoadedTensor> {
    const t = await this.cached.loadTensor(this.ctx, label);
    for (const p of t.parts) for (const b of Object.values(p.buffers)) this.own.buffers.push(b.buffer);
    return t;
  }

  async textMatrix(label: string): Promise<Matrix> {
    const t = await this.load(label);
    const [rows, cols] = t.shape as [number, number];
    if (t.format === 'q4' || t.format === 'q8') {
      return {
        kind: t.format,
        label,
        rows,
        cols,
        chunks: t.parts.map((p) => ({
          row0: p.row0,
          rows: p.rows,
          qweight: p.buffers.qweight!.buffer,
          scales: p.buffers.scales!.buffer,
        })),
      };
    }
    return this.w16(label, t);
  }

  async visionMatrix(label: string): Promise<W16Weight> {
    return this.w16(label, await this.load(label));
  }

  private w16(label: string, t: LoadedTensor): W16Weight {
    if (t.format !== 'bf16' && t.format !== 'f16')
      throw new Error(`cached ${label} is ${t.format}, expected a 16-bit matrix`);
    const [rows, cols] = t.shape as [number, number];
    return {
      kind: 'w16',
      label,
      dtype: t.format,
      rows,
      cols,
      chunks: t.parts.map((p) => ({ row0: p.row0, rows: p.rows, data: p.buffers.data!.buffer })),
    };
  }

  async dense(name: string): Promise<GpuTensor> {
    return (await this.load(name)).parts[0]!.buffers.data!;
  }

  async bias(label: string): Promise<GpuTensor> {
    return this.dense(label);
  }
}

/** The weights of a cached model, uploaded from OPFS. */
export function loadWeightsFromCache(ctx: GpuContext, cached: CachedModel, spec: ModelSpec): Promise<ModelWeights> {
  const own = new Owner();
  return assembleWeights(ctx, own, new CacheProvider(ctx, own, cached), spec);
}
