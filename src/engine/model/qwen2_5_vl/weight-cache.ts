// The quantized model in the browser's OPFS cache (ARCHITECTURE.md §10). Every weight is produced part by part
// (a part = a row range of one weight, ≈ PART_SOURCE_BYTES of download) and each part is written to the cache as
// soon as it is complete, so a download interrupted by a reload, a closed tab or a lost network resumes from the
// parts already on disk. A part found in the cache is uploaded from there after its SHA-256 checks; a part that is
// missing, truncated or corrupted is fetched again, alone. Weights are stored in their GPU form under the forward
// pass's labels, keyed by model id, revision and the q4/q8 scheme (a model's q4 and q8 entries coexist).
import type { GpuContext } from '../../gpu/device';
import { createTensor, type DType, type GpuTensor } from '../../gpu/tensor';
import { WeightQuantizer } from '../../kernels/weight-quantizer';
import { createQuantWeight, createW16Weight, quantRowBytes, type W16Weight } from '../../kernels/weight-chunks';
import type { ModelSpec } from '../../spec/model-spec';
import type { CachedModel, GpuPieces } from '../../weights/cache/cached-model';
import type { CacheWriter } from '../../weights/cache/cache-writer';
import { CacheError } from '../../weights/errors';
import { tensorComplete, type CacheTensorEntry } from '../../weights/cache/manifest';
import type { Checkpoint } from '../../weights/checkpoint';
import type { QuantFormat } from '../../weights/q8-scheme';
import { DTYPE_BYTES } from '../../weights/safetensors';
import { gpuDtype, streamIntoRows } from '../../weights/upload';
import {
  assembleWeights,
  biasValues,
  dtype16,
  fusedShape,
  Owner,
  stream16Rows,
  streamQuantizedRows,
  type Matrix,
  type ModelWeights,
  type WeightProvider,
} from './load-weights';

/** Download behind one cache part: what an interruption can cost at most, per weight. */
export const PART_SOURCE_BYTES = 64 * 1024 * 1024;
/** Part row counts are multiples of this, so every part's bytes start 4-byte aligned in its GPU buffers. */
const PART_ROW_GRANULE = 64;

/** Rows per cache part of a weight whose source rows hold `rowElements` 16-bit values (1-D tensors: one part). */
export function partRows(rows: number, rowElements: number, partSourceBytes = PART_SOURCE_BYTES): number {
  const fit = Math.floor(partSourceBytes / (rowElements * 2) / PART_ROW_GRANULE) * PART_ROW_GRANULE;
  return Math.min(rows, Math.max(PART_ROW_GRANULE, fit));
}

/** One buffer role of a row-chunked weight: its buffers by row chunk and the bytes one row takes in them. */
interface Role {
  role: string;
  dtype: DType;
  rowBytes: number;
  /** A part's shape for `n` rows. */
  shape(n: number): number[];
  chunks: readonly { row0: number; rows: number; buffer: GPUBuffer }[];
}

/** The byte ranges of a role's buffers that hold rows [a, b). */
function piecesOf(r: Role, a: number, b: number): GpuPieces {
  return r.chunks.flatMap((c) => {
    const x = Math.max(a, c.row0);
    const y = Math.min(b, c.row0 + c.rows);
    return x < y ? [{ buffer: c.buffer, offset: (x - c.row0) * r.rowBytes, bytes: (y - x) * r.rowBytes }] : [];
  });
}

/** A weight's identity in the cache: format, logical shape, and the checkpoint tensors it is made from. */
interface WeightMeta {
  name: string;
  format: CacheTensorEntry['format'];
  shape: number[];
  sources: string[];
}

export interface PartEvent {
  label: string;
  row0: number;
  rows: number;
  /** 'cache': uploaded from the cache; 'network': fetched (and written to the cache). */
  from: 'cache' | 'network';
  /** Cache bytes of the part. */
  bytes: number;
  /** Why a cached copy could not be used (then `from` is 'network'). */
  problem: string | null;
}

export interface CachingOptions {
  /** The form of the text linears, as the entry's scheme says. */
  quantFormat: QuantFormat;
  /**
   * Where made parts go. null for a read-only entry (a quantized folder, docs/quantized-folder.md): nothing is
   * fetched then, and a missing or damaged part fails the load.
   */
  writer: CacheWriter | null;
  /** Reads the parts already in the entry (the manifest the writer resumed from); null for a fresh entry. */
  cached: CachedModel | null;
  /** The checkpoint, opened on first need: a complete, intact cache never touches the network. */
  checkpoint: () => Promise<Checkpoint>;
  signal?: AbortSignal;
  onPart?: (e: PartEvent) => void;
  /** Cache bytes uploaded from the cache so far (for progress). */
  onCacheBytes?: (n: number) => void;
  partSourceBytes?: number;
}

/**
 * Weights from the cache where it has them, from the checkpoint where it does not (q4 or q8 text linears, 16-bit
 * vision), each part written to the cache once made. Used for every cached load: first download, resume and second
 * visit.
 */
export class CachingProvider implements WeightProvider {
  /** Why writing to the cache stopped (the load goes on without it), or null. */
  writeFailure: Error | null = null;

  constructor(
    private readonly ctx: GpuContext,
    private readonly own: Owner,
    private readonly opts: CachingOptions,
  ) {}

  private recorded(label: string): CacheTensorEntry | null {
    const { writer, cached } = this.opts;
    return writer ? writer.tensor(label) : (cached?.manifest.tensors[label] ?? null);
  }

  /** Fills every part of a weight: from the cache when intact, otherwise via `fetch` and then into the cache. */
  private async fill(
    meta: WeightMeta,
    roles: Role[],
    perPart: number,
    fetch: (range: readonly [number, number]) => Promise<void>,
  ): Promise<void> {
    const rows = meta.shape[0] ?? 1;
    const entry = this.recorded(meta.name);
    for (let a = 0; a < rows; a += perPart) {
      const b = Math.min(rows, a + perPart);
      const targets = Object.fromEntries(roles.map((r) => [r.role, piecesOf(r, a, b)]));
      const part = entry?.parts.find((p) => p.row0 === a && p.rows === b - a);
      const bytes = roles.reduce((s, r) => s + (b - a) * r.rowBytes, 0);
      let problem: string | null = part ? 'not readable' : null;
      if (part && this.opts.cached) {
        problem = await this.opts.cached.readPart(this.ctx, part, targets, this.opts.onCacheBytes);
        if (!problem) {
          this.opts.onPart?.({ label: meta.name, row0: a, rows: b - a, from: 'cache', bytes, problem });
          continue;
        }
      }
      const { writer } = this.opts;
      if (!writer)
        throw new CacheError(
          `${meta.name} rows ${a}…${b - 1} ${part ? `cannot be used: ${problem}` : 'are missing'}; nothing to fetch them from`,
        );
      await fetch([a, b]);
      if (!this.writeFailure) {
        // A full disk or a failed write never costs the user the model being loaded: caching just stops.
        await writer
          .putPart(meta, {
            row0: a,
            rows: b - a,
            buffers: roles.map((r) => ({
              role: r.role,
              dtype: r.dtype,
              shape: r.shape(b - a),
              pieces: targets[r.role]!,
            })),
          })
          .catch((e: unknown) => {
            this.writeFailure = e instanceof Error ? e : new Error(String(e));
          });
      }
      this.opts.onPart?.({ label: meta.name, row0: a, rows: b - a, from: 'network', bytes, problem });
    }
  }

  /** Shape and dtype from the cache entry when it is complete, else from the checkpoint (opening it). */
  private async shapeOf(
    label: string,
    fromCheckpoint: (ckpt: Checkpoint) => { shape: number[]; format: CacheTensorEntry['format'] },
  ): Promise<{ shape: number[]; format: CacheTensorEntry['format'] }> {
    const e = this.recorded(label);
    if (e && tensorComplete(e)) return { shape: e.shape, format: e.format };
    return fromCheckpoint(await this.opts.checkpoint());
  }

  async textMatrix(label: string, names: string[]): Promise<Matrix> {
    const format = this.opts.quantFormat;
    const { shape } = await this.shapeOf(label, (ckpt) => {
      const f = fusedShape(ckpt, label, names);
      return { shape: [f.rows, f.cols], format };
    });
    const [rows, cols] = shape as [number, number];
    const w = this.own.matrix(createQuantWeight(this.ctx, format, label, rows, cols));
    // Codes per u32 word: 8 nibbles (q4) or 4 bytes (q8); the f16 scales are laid out alike.
    const perWord = format === 'q8' ? 4 : 8;
    const roles: Role[] = [
      {
        role: 'qweight',
        dtype: 'u32',
        rowBytes: quantRowBytes(format, cols).qweight,
        shape: (n) => [n, cols / perWord],
        chunks: w.chunks.map((c) => ({ ...c, buffer: c.qweight })),
      },
      {
        role: 'scales',
        dtype: 'f16',
        rowBytes: cols / 16,
        shape: (n) => [(n * cols) / 32],
        chunks: w.chunks.map((c) => ({ ...c, buffer: c.scales })),
      },
    ];
    let quantizer: WeightQuantizer | null = null;
    await this.fill(
      { name: label, format, shape, sources: names },
      roles,
      partRows(rows, cols, this.opts.partSourceBytes),
      async (range) => {
        const ckpt = await this.opts.checkpoint();
        quantizer ??= new WeightQuantizer(this.ctx, w);
        await streamQuantizedRows(
          this.ctx,
          ckpt,
          quantizer,
          names,
          fusedShape(ckpt, label, names).offsets,
          range,
          this.opts.signal,
        );
      },
    );
    // Non-finite groups or scales past f16 are reported here, before the model is used.
    await (quantizer as WeightQuantizer | null)?.finish();
    return w;
  }

  async visionMatrix(label: string, names: string[]): Promise<W16Weight> {
    const { shape, format } = await this.shapeOf(label, (ckpt) => {
      const f = fusedShape(ckpt, label, names);
      return { shape: [f.rows, f.cols], format: dtype16(ckpt, names, label) };
    });
    const [rows, cols] = shape as [number, number];
    const w = this.own.matrix(createW16Weight(this.ctx, label, format as 'bf16' | 'f16', rows, cols));
    const role: Role = {
      role: 'data',
      dtype: w.dtype,
      rowBytes: cols * 2,
      shape: (n) => [n, cols],
      chunks: w.chunks.map((c) => ({ ...c, buffer: c.data })),
    };
    await this.fill(
      { name: label, format, shape, sources: names },
      [role],
      partRows(rows, cols, this.opts.partSourceBytes),
      async (range) => {
        const ckpt = await this.opts.checkpoint();
        await stream16Rows(this.ctx, ckpt, w, names, fusedShape(ckpt, label, names).offsets, range, this.opts.signal);
      },
    );
    return w;
  }

  /** A single-buffer tensor filled as one part (norms, biases: small). */
  private async single(
    label: string,
    sources: string[],
    meta: (ckpt: Checkpoint) => { shape: number[]; format: CacheTensorEntry['format'] },
    fetch: (t: GpuTensor) => Promise<void>,
  ): Promise<GpuTensor> {
    const { shape, format } = await this.shapeOf(label, meta);
    const dtype = format as DType;
    const t = this.own.tensor(createTensor(this.ctx, label, dtype, shape));
    const rows = shape[0] ?? 1;
    const perRow = shape.slice(1).reduce((a, b) => a * b, 1);
    const role: Role = {
      role: 'data',
      dtype,
      rowBytes: perRow * (dtype === 'bf16' || dtype === 'f16' ? 2 : 4),
      shape: (n) => [n, ...shape.slice(1)],
      chunks: [{ row0: 0, rows, buffer: t.buffer }],
    };
    await this.fill({ name: label, format, shape, sources }, [role], rows, () => fetch(t));
    return t;
  }

  async dense(name: string): Promise<GpuTensor> {
    return this.single(
      name,
      [name],
      (ckpt) => {
        const s = ckpt.tensor(name);
        return { shape: s.shape.length ? [...s.shape] : [1], format: gpuDtype(s.dtype) };
      },
      async (t) => {
        const ckpt = await this.opts.checkpoint();
        await streamIntoRows(this.ctx, ckpt, name, [{ row0: 0, rows: t.shape[0]!, buffer: t.buffer }], {
          signal: this.opts.signal,
        });
      },
    );
  }

  async bias(label: string, names: string[]): Promise<GpuTensor> {
    return this.single(
      label,
      names,
      (ckpt) => ({
        shape: [names.reduce((a, n) => a + ckpt.tensor(n).byteLength / DTYPE_BYTES[ckpt.tensor(n).dtype], 0)],
        format: 'f32',
      }),
      async (t) => {
        const values = await biasValues(await this.opts.checkpoint(), names);
        this.ctx.device.queue.writeBuffer(t.buffer, 0, values as Float32Array<ArrayBuffer>);
      },
    );
  }
}

/**
 * The weights of a cached q4/q8 model: from the cache where intact, fetched (and cached) where not. `writeFailure`
 * says why parts stopped reaching the cache, if they did.
 */
export async function loadWeightsThroughCache(
  ctx: GpuContext,
  spec: ModelSpec,
  opts: CachingOptions,
): Promise<ModelWeights & { writeFailure: Error | null }> {
  const own = new Owner();
  const provider = new CachingProvider(ctx, own, opts);
  return { ...(await assembleWeights(ctx, own, provider, spec)), writeFailure: provider.writeFailure };
}
