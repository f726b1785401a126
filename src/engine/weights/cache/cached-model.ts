// A complete cache entry, read without any network: small files (config, tokenizer) as a WeightSource, and
// tensors uploaded to the GPU from their blobs in bounded slices.
import type { GpuContext } from '../../gpu/device';
import { byteSize, numel, storageUsage, type GpuTensor } from '../../gpu/tensor';
import { parseModelSpec } from '../../spec/parse-config';
import type { ModelSpec } from '../../spec/model-spec';
import { CacheError, MissingFileError } from '../errors';
import { LoadProgress } from '../progress';
import { BlobSource } from '../source';
import { UploadPacer } from '../upload';
import { SliceDigests } from './checksum';
import {
  fileEntryName,
  type CacheBufferEntry,
  type CacheManifest,
  type CachePartEntry,
  type CacheTensorEntry,
} from './manifest';
import { fileOrNull } from './opfs';

/** Where one cached buffer's bytes go on the GPU: consecutive byte ranges of buffers (row chunks). */
export type GpuPieces = { buffer: GPUBuffer; offset: number; bytes: number }[];

/** Writes `data` (bytes at `at` of a buffer's stream) into the pieces that hold those bytes. */
function writePieces(queue: GPUQueue, pieces: GpuPieces, at: number, data: Uint8Array): void {
  let start = 0;
  for (const p of pieces) {
    const a = Math.max(at, start);
    const b = Math.min(at + data.byteLength, start + p.bytes);
    if (a < b) {
      let src = data.subarray(a - at, b - at);
      if (src.byteLength % 4 !== 0) {
        // Only the end of a buffer can be unaligned (a padded f16 scales buffer): pad with zeros.
        const padded = new Uint8Array(Math.ceil(src.byteLength / 4) * 4);
        padded.set(src);
        src = padded;
      }
      queue.writeBuffer(p.buffer, p.offset + (a - start), src as Uint8Array<ArrayBuffer>);
    }
    start += p.bytes;
  }
}

export interface LoadedPart {
  row0: number;
  rows: number;
  /** By role: 'qweight' / 'scales' for q4, 'data' for dense (as written). */
  buffers: Record<string, GpuTensor>;
}

export interface LoadedTensor {
  name: string;
  format: CacheTensorEntry['format'];
  shape: readonly number[];
  parts: LoadedPart[];
}

/** The cached small files (config.json, tokenizer files, …) as a read-only WeightSource. */
class CachedFilesSource extends BlobSource {
  constructor(
    private readonly dir: FileSystemDirectoryHandle,
    private readonly manifest: CacheManifest,
  ) {
    super(`the cached copy of ${manifest.modelId}`);
  }

  protected async blob(path: string): Promise<Blob | null> {
    if (!this.manifest.files[path]) return null;
    const files = await this.dir.getDirectoryHandle('files').catch(() => null);
    return files ? fileOrNull(files, fileEntryName(path)) : null;
  }
}

export class CachedModel {
  readonly files: BlobSource;
  readonly progress: LoadProgress;

  constructor(
    private readonly dir: FileSystemDirectoryHandle,
    readonly manifest: CacheManifest,
  ) {
    this.files = new CachedFilesSource(dir, manifest);
    const total = Object.values(manifest.tensors).reduce(
      (a, t) => a + t.parts.reduce((b, p) => b + p.buffers.reduce((c, x) => c + x.bytes, 0), 0),
      0,
    );
    this.progress = new LoadProgress(total);
  }

  tensorNames(): string[] {
    return Object.keys(this.manifest.tensors);
  }

  entry(name: string): CacheTensorEntry {
    const e = this.manifest.tensors[name];
    if (!e) throw new CacheError(`${name} is not in the cached model ${this.manifest.key}`);
    return e;
  }

  async readFileText(path: string): Promise<string> {
    const t = await this.files.readTextOptional(path);
    if (t === null) throw new MissingFileError(path, this.files.label);
    return t;
  }

  /** The ModelSpec from the cached config files (cache them with putFile at write time). */
  async spec(): Promise<ModelSpec> {
    return parseModelSpec({
      config: await this.readFileText('config.json'),
      generationConfig: await this.files.readTextOptional('generation_config.json'),
      preprocessorConfig: await this.files.readTextOptional('preprocessor_config.json'),
    });
  }

  /**
   * Uploads one cached part into `targets` (by role), checking every buffer's size and SHA-256 slices on the way.
   * Returns why the part cannot be used (missing, truncated or corrupted file), or null when it was uploaded intact;
   * after a failure the targets hold garbage and must be filled again.
   */
  async readPart(
    ctx: GpuContext,
    part: CachePartEntry,
    targets: Record<string, GpuPieces>,
    onBytes?: (n: number) => void,
  ): Promise<string | null> {
    const slice = this.manifest.checksumSliceBytes;
    const pacer = new UploadPacer(ctx.device.queue, slice);
    for (const b of part.buffers) {
      const pieces = targets[b.role];
      const want = pieces?.reduce((a, p) => a + p.bytes, 0);
      if (!pieces || want !== b.bytes)
        return `${b.role} has ${b.bytes} bytes, the weight needs ${want ?? 'no such buffer'}`;
      const file = await fileOrNull(this.dir, b.blob);
      if (!file) return `its file ${b.blob} is missing`;
      if (b.offset + b.bytes > file.size)
        return `${b.blob} is truncated (${file.size} bytes, needs ${b.offset + b.bytes})`;
      const digests = new SliceDigests(slice);
      for (let o = 0; o < b.bytes; o += slice) {
        const n = Math.min(slice, b.bytes - o);
        const bytes = new Uint8Array(await file.slice(b.offset + o, b.offset + o + n).arrayBuffer());
        digests.push(bytes);
        writePieces(ctx.device.queue, pieces, o, bytes);
        onBytes?.(n);
        await pacer.wrote(n);
      }
      const got = await digests.finish();
      const bad = got.findIndex((d, i) => d !== b.sha256[i]);
      if (bad >= 0 || got.length !== b.sha256.length)
        return `${b.blob} is corrupted (${b.role} bytes ${bad * slice}… do not match their SHA-256)`;
    }
    return null;
  }

  /** Allocates GPU buffers for a cached tensor and fills them from its part files (checksums verified). */
  async loadTensor(ctx: GpuContext, name: string, opts: { label?: string } = {}): Promise<LoadedTensor> {
    const e = this.entry(name);
    const label = opts.label ?? name;
    const onBytes = this.progress.tracker(
      name,
      e.parts.reduce((a, p) => a + p.buffers.reduce((b, x) => b + x.bytes, 0), 0),
    );
    const created: GPUBuffer[] = [];
    try {
      const parts: LoadedPart[] = [];
      for (const [i, p] of e.parts.entries()) {
        const buffers: Record<string, GpuTensor> = {};
        for (const b of p.buffers) {
          checkBufferSize(name, b);
          const bufLabel = e.parts.length === 1 ? `${label}.${b.role}` : `${label}.chunk${i}.${b.role}`;
          const buffer = ctx.device.createBuffer({
            label: bufLabel,
            size: Math.ceil(b.bytes / 4) * 4,
            usage: storageUsage(),
          });
          created.push(buffer);
          buffers[b.role] = { buffer, dtype: b.dtype, shape: [...b.shape], label: bufLabel };
        }
        const targets = Object.fromEntries(
          p.buffers.map((b) => [b.role, [{ buffer: buffers[b.role]!.buffer, offset: 0, bytes: b.bytes }]]),
        );
        const problem = await this.readPart(ctx, p, targets, onBytes);
        if (problem) throw new CacheError(`cache entry ${this.manifest.key}, ${name} rows ${p.row0}…: ${problem}`);
        parts.push({ row0: p.row0, rows: p.rows, buffers });
      }
      return { name, format: e.format, shape: e.shape, parts };
    } catch (err) {
      for (const b of created) b.destroy();
      throw err;
    }
  }
}

function checkBufferSize(name: string, b: CacheBufferEntry): void {
  const min = byteSize(b.dtype, numel(b.shape));
  if (b.bytes < min && Math.ceil(b.bytes / 4) * 4 < min)
    throw new CacheError(
      `${name}: cached ${b.role} has ${b.bytes} bytes, its ${b.dtype} [${b.shape.join(', ')}] needs ${min}`,
    );
}
