// Writes one cache entry while the model loads: tensors are appended to blob files as they are produced
// (read back from the GPU in bounded slices), the manifest last. Until commit() the entry is "pending"
// and is never served; abort() (or any error) removes it.
import type { GpuContext } from '../../gpu/device';
import type { DType } from '../../gpu/tensor';
import type { QuantFormat } from '../q8-scheme';
import { CacheError } from '../errors';
import {
  CACHE_FORMAT,
  CACHE_VERSION,
  fileEntryName,
  type CacheBufferEntry,
  type CacheIdentity,
  type CacheManifest,
  type CachePartEntry,
} from './manifest';
import { quotaGuard, removeIfPresent, writeWholeFile, type StorageEstimator } from './opfs';

interface BufferBase {
  role: string;
  dtype: DType;
  shape: number[];
}
/** A GPU buffer to cache (read back in slices); needs COPY_SRC usage. All of buffer.size is stored. */
export interface GpuBufferToCache extends BufferBase {
  buffer: GPUBuffer;
}
/** Host bytes to cache (e.g. produced on the CPU). */
export interface HostBufferToCache extends BufferBase {
  bytes: Uint8Array;
}

export interface TensorToCache {
  name: string;
  format: QuantFormat | DType;
  shape: number[];
  parts: { row0: number; rows: number; buffers: (GpuBufferToCache | HostBufferToCache)[] }[];
}

export interface WriterOptions {
  /** Needed to cache GPU buffers. */
  ctx?: GpuContext;
  /** Start a new blob file once the current one would pass this size (default 1 GiB). */
  blobTargetBytes?: number;
  /** GPU readback slice (default 32 MiB): the most cache data held in JS at once. */
  maxChunkBytes?: number;
  /** Source label and per-file validators, recorded in the manifest. */
  source?: CacheManifest['source'];
}

async function* readbackSlices(ctx: GpuContext, buffer: GPUBuffer, maxBytes: number): AsyncGenerator<Uint8Array> {
  const slice = Math.max(4, Math.floor(maxBytes / 4) * 4);
  const staging = ctx.device.createBuffer({
    label: `${buffer.label}.cache-readback`,
    size: Math.min(slice, buffer.size),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    for (let off = 0; off < buffer.size; off += slice) {
      const n = Math.min(slice, buffer.size - off);
      const enc = ctx.device.createCommandEncoder({ label: `${buffer.label}.cache-readback` });
      enc.copyBufferToBuffer(buffer, off, staging, 0, n);
      ctx.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, n);
      const copy = new Uint8Array(staging.getMappedRange(0, n).slice(0));
      staging.unmap();
      yield copy;
    }
  } finally {
    staging.destroy();
  }
}

export class CacheWriter {
  private writable: FileSystemWritableFileStream | null = null;
  private readonly blobs: string[] = [];
  private blobOffset = 0;
  private written = 0;
  private readonly tensors: CacheManifest['tensors'] = {};
  private readonly files: CacheManifest['files'] = {};
  private filesDir: FileSystemDirectoryHandle | null = null;
  private closed = false;
  private readonly blobTarget: number;
  private readonly maxChunk: number;

  constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly dir: FileSystemDirectoryHandle,
    readonly key: string,
    private readonly identity: CacheIdentity,
    private readonly expectedBytes: number,
    private readonly storage: StorageEstimator | null,
    private readonly opts: WriterOptions,
    /** Called once when the writer commits or aborts. */
    private readonly onClose: () => void = () => undefined,
  ) {
    this.blobTarget = opts.blobTargetBytes ?? 1 << 30;
    this.maxChunk = opts.maxChunkBytes ?? 32 * 1024 * 1024;
  }

  /** Bytes written so far (blobs and files). */
  get bytesWritten(): number {
    return this.written;
  }

  private guard<T>(op: () => Promise<T>): Promise<T> {
    return quotaGuard(() => Math.max(this.expectedBytes - this.written, 0), this.storage, op).catch(
      async (e: unknown) => {
        await this.abort();
        throw e;
      },
    );
  }

  private check(): void {
    if (this.closed) throw new CacheError(`cache entry ${this.key} is already committed or aborted`);
  }

  async putFile(path: string, data: string | Uint8Array): Promise<void> {
    this.check();
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.guard(async () => {
      this.filesDir ??= await this.dir.getDirectoryHandle('files', { create: true });
      await writeWholeFile(this.filesDir, fileEntryName(path), bytes);
    });
    this.files[path] = { bytes: bytes.byteLength };
    this.written += bytes.byteLength;
  }

  private async startBufferOf(bytes: number): Promise<string> {
    if (!this.writable || (this.blobOffset > 0 && this.blobOffset + bytes > this.blobTarget)) {
      await this.closeBlob();
      const name = `blob-${String(this.blobs.length).padStart(4, '0')}.bin`;
      this.writable = await (
        await this.dir.getFileHandle(name, { create: true })
      ).createWritable({ keepExistingData: false });
      this.blobs.push(name);
      this.blobOffset = 0;
    }
    return this.blobs[this.blobs.length - 1]!;
  }

  private async closeBlob(): Promise<void> {
    const w = this.writable;
    this.writable = null;
    if (w) await w.close();
  }

  private async append(chunk: Uint8Array): Promise<void> {
    await this.writable!.write(chunk as Uint8Array<ArrayBuffer>);
    this.blobOffset += chunk.byteLength;
    this.written += chunk.byteLength;
  }

  /** Appends every buffer of a tensor to the blobs and records it. GPU buffers are read back in slices. */
  async putTensor(t: TensorToCache): Promise<void> {
    this.check();
    if (this.tensors[t.name]) throw new CacheError(`${t.name} is already in cache entry ${this.key}`);
    const parts: CachePartEntry[] = [];
    await this.guard(async () => {
      for (const p of t.parts) {
        const buffers: CacheBufferEntry[] = [];
        for (const b of p.buffers) {
          const size = 'buffer' in b ? b.buffer.size : b.bytes.byteLength;
          const blob = await this.startBufferOf(size);
          const offset = this.blobOffset;
          if ('buffer' in b) {
            if (!this.opts.ctx)
              throw new CacheError(`${t.name}: caching GPU buffers needs the GpuContext (WriterOptions.ctx)`);
            for await (const slice of readbackSlices(this.opts.ctx, b.buffer, this.maxChunk)) await this.append(slice);
          } else {
            for (let o = 0; o < size; o += this.maxChunk)
              await this.append(b.bytes.subarray(o, Math.min(size, o + this.maxChunk)));
          }
          buffers.push({ role: b.role, dtype: b.dtype, shape: [...b.shape], blob, offset, bytes: size });
        }
        parts.push({ row0: p.row0, rows: p.rows, buffers });
      }
    });
    this.tensors[t.name] = { name: t.name, format: t.format, shape: [...t.shape], parts };
  }

  /** Writes the manifest: from now on the entry is served. */
  async commit(): Promise<CacheManifest> {
    this.check();
    const manifest: CacheManifest = {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      key: this.key,
      ...this.identity,
      source: this.opts.source ?? { label: '', validators: {} },
      files: this.files,
      tensors: this.tensors,
      blobs: [...this.blobs],
      totalBytes: this.written,
      createdAt: (await this.pendingStart()) ?? new Date().toISOString(),
      completedAt: new Date().toISOString(),
    };
    await this.guard(async () => {
      await this.closeBlob();
      await writeWholeFile(this.dir, 'manifest.json', JSON.stringify(manifest));
      await removeIfPresent(this.dir, 'pending.json');
    });
    this.closed = true;
    this.onClose();
    return manifest;
  }

  private async pendingStart(): Promise<string | null> {
    try {
      const f = await (await this.dir.getFileHandle('pending.json')).getFile();
      return (JSON.parse(await f.text()) as { startedAt?: string }).startedAt ?? null;
    } catch {
      return null;
    }
  }

  /** Drops the entry and everything written so far. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    const w = this.writable;
    this.writable = null;
    await w?.abort().catch(() => undefined);
    await removeIfPresent(this.root, this.key, true).catch(() => undefined);
  }
}
