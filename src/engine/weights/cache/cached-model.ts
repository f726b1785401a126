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
import { fileEntryName, type CacheManifest, type CacheTensorEntry } from './manifest';
import { fileOrNull } from './opfs';

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
  private readonly blobFiles = new Map<string, Promise<File>>();

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

  private blob(name: string): Promise<File> {
    let f = this.blobFiles.get(name);
    if (!f) {
      f = fileOrNull(this.dir, name).then((file) => {
        if (!file)
          throw new CacheError(`cache entry ${this.manifest.key} lost its blob ${name}; delete it and load again`);
        return file;
      });
      this.blobFiles.set(name, f);
    }
    return f;
  }

  /** Allocates GPU buffers for a cached tensor and fills them from the blobs (at most maxChunkBytes in JS at once). */
  async loadTensor(
    ctx: GpuContext,
    name: string,
    opts: { maxChunkBytes?: number; label?: string } = {},
  ): Promise<LoadedTensor> {
    const e = this.entry(name);
    const maxChunk = Math.max(4, Math.floor((opts.maxChunkBytes ?? 32 * 1024 * 1024) / 4) * 4);
    const label = opts.label ?? name;
    const pacer = new UploadPacer(ctx.device.queue, maxChunk);
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
          const min = byteSize(b.dtype, numel(b.shape));
          if (b.bytes < min || b.bytes % 4 !== 0)
            throw new CacheError(
              `${name}: cached ${b.role} has ${b.bytes} bytes, its ${b.dtype} [${b.shape.join(', ')}] needs ${min}`,
            );
          const file = await this.blob(b.blob);
          if (b.offset + b.bytes > file.size)
            throw new CacheError(
              `cache entry ${this.manifest.key}: ${b.blob} is truncated (${file.size} bytes, ${name} needs ${b.offset + b.bytes}); delete it and load again`,
            );
          const bufLabel = e.parts.length === 1 ? `${label}.${b.role}` : `${label}.chunk${i}.${b.role}`;
          const buffer = ctx.device.createBuffer({ label: bufLabel, size: b.bytes, usage: storageUsage() });
          created.push(buffer);
          for (let o = 0; o < b.bytes; o += maxChunk) {
            const n = Math.min(maxChunk, b.bytes - o);
            const bytes = new Uint8Array(await file.slice(b.offset + o, b.offset + o + n).arrayBuffer());
            ctx.device.queue.writeBuffer(buffer, o, bytes);
            onBytes(n);
            await pacer.wrote(n);
          }
          buffers[b.role] = { buffer, dtype: b.dtype, shape: [...b.shape], label: bufLabel };
        }
        parts.push({ row0: p.row0, rows: p.rows, buffers });
      }
      return { name, format: e.format, shape: e.shape, parts };
    } catch (err) {
      for (const b of created) b.destroy();
      throw err;
    }
  }
}
