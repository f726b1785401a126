// Writes one cache entry while the model loads: each part (a row range of one weight) goes to its own file as soon
// as it is produced (read back from the GPU in checksum-sized slices, hashed on the way), and the manifest in
// progress (pending.json) is saved after it, so a reload resumes from the parts already on disk. commit() writes
// manifest.json; an error removes the entry only when nothing can be resumed from it (see abort/close).
import type { GpuContext } from '../../gpu/device';
import type { DType } from '../../gpu/tensor';
import type { QuantFormat } from '../q8-scheme';
import { CacheError } from '../errors';
import { SliceDigests } from './checksum';
import {
  CACHE_FORMAT,
  CACHE_VERSION,
  CHECKSUM_SLICE_BYTES,
  fileEntryName,
  partFileName,
  type CacheBufferEntry,
  type CacheIdentity,
  type CacheManifest,
  type CachePartEntry,
  type CacheTensorEntry,
} from './manifest';
import { quotaGuard, removeIfPresent, writeWholeFile, type StorageEstimator } from './opfs';

interface BufferBase {
  role: string;
  dtype: DType;
  shape: number[];
}
/** A whole GPU buffer to cache (read back in slices); needs COPY_SRC usage. */
export interface GpuBufferToCache extends BufferBase {
  buffer: GPUBuffer;
}
/** Byte ranges of GPU buffers that together hold one buffer's bytes (a part may straddle row chunks). */
export interface GpuPiecesToCache extends BufferBase {
  pieces: { buffer: GPUBuffer; offset: number; bytes: number }[];
}
/** Host bytes to cache (e.g. produced on the CPU). */
export interface HostBufferToCache extends BufferBase {
  bytes: Uint8Array;
}
export type BufferToCache = GpuBufferToCache | GpuPiecesToCache | HostBufferToCache;

export interface PartToCache {
  row0: number;
  rows: number;
  buffers: BufferToCache[];
}

export interface TensorToCache {
  name: string;
  format: QuantFormat | DType;
  shape: number[];
  parts: PartToCache[];
}

export interface WriterOptions {
  /** Needed to cache GPU buffers. */
  ctx?: GpuContext;
  /** Readback and checksum slice (default CHECKSUM_SLICE_BYTES): the most cache data held in JS at once. */
  maxChunkBytes?: number;
  /** Source label and per-file validators, recorded in the manifest. */
  source?: CacheManifest['source'];
  /** Save pending.json at most this often (default 1000 ms) unless 1 MiB of parts is unsaved. */
  saveEveryMs?: number;
}

function piecesOf(b: BufferToCache): { buffer: GPUBuffer; offset: number; bytes: number }[] | null {
  if ('pieces' in b) return b.pieces;
  if ('buffer' in b) return [{ buffer: b.buffer, offset: 0, bytes: b.buffer.size }];
  return null;
}

async function* readbackSlices(
  ctx: GpuContext,
  buffer: GPUBuffer,
  offset: number,
  bytes: number,
  maxBytes: number,
): AsyncGenerator<Uint8Array> {
  // Only the end of a buffer may be unaligned (a padded f16 tail): the copy then takes the padding too.
  if (offset % 4 !== 0 || Math.ceil((offset + bytes) / 4) * 4 > buffer.size)
    throw new CacheError(`${buffer.label}: bytes ${offset}..${offset + bytes} are not 4-byte aligned for a readback`);
  const slice = Math.max(4, Math.floor(maxBytes / 4) * 4);
  const padded = Math.ceil(bytes / 4) * 4;
  const staging = ctx.device.createBuffer({
    label: `${buffer.label}.cache-readback`,
    size: Math.min(slice, padded),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    for (let off = 0; off < bytes; off += slice) {
      const n = Math.min(slice, bytes - off);
      const n4 = Math.min(Math.ceil(n / 4) * 4, staging.size);
      const enc = ctx.device.createCommandEncoder({ label: `${buffer.label}.cache-readback` });
      enc.copyBufferToBuffer(buffer, offset + off, staging, 0, n4);
      ctx.device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ, 0, n4);
      const copy = new Uint8Array(staging.getMappedRange(0, n4).slice(0, n));
      staging.unmap();
      yield copy;
    }
  } finally {
    staging.destroy();
  }
}

export class CacheWriter {
  private readonly files: CacheManifest['files'];
  private readonly tensors: Record<string, CacheTensorEntry>;
  private readonly blobs: string[];
  private filesDir: FileSystemDirectoryHandle | null = null;
  private closed = false;
  private readonly slice: number;
  private lastSave = 0;
  private unsavedBytes = 0;
  private source: CacheManifest['source'];
  private readonly createdAt: string;
  private written: number;
  /** True once this writer changed anything on disk (a resumed entry stays until then). */
  private touched = false;

  constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly dir: FileSystemDirectoryHandle,
    readonly key: string,
    private readonly identity: CacheIdentity,
    private readonly expectedBytes: number,
    private readonly storage: StorageEstimator | null,
    private readonly opts: WriterOptions,
    /** Called once when the writer commits or closes. */
    private readonly onClose: () => void = () => undefined,
    /** The manifest (pending or complete) this writer continues from; null for a fresh entry. */
    readonly resumed: CacheManifest | null = null,
  ) {
    this.slice = resumed?.checksumSliceBytes ?? opts.maxChunkBytes ?? CHECKSUM_SLICE_BYTES;
    this.files = { ...(resumed?.files ?? {}) };
    this.tensors = structuredClone(resumed?.tensors ?? {});
    this.blobs = [...(resumed?.blobs ?? [])];
    this.source = opts.source ?? resumed?.source ?? { label: '', validators: {} };
    this.createdAt = resumed?.createdAt ?? new Date().toISOString();
    this.written = resumed?.totalBytes ?? 0;
  }

  /** Bytes in the entry (blobs and files). */
  get bytesWritten(): number {
    return this.written;
  }

  /** The tensor as recorded so far (parts already on disk), or null. */
  tensor(name: string): CacheTensorEntry | null {
    return this.tensors[name] ?? null;
  }

  setSource(source: CacheManifest['source']): void {
    this.source = source;
  }

  /** Forgets parts (e.g. of a source file that changed); their files are replaced when rewritten. */
  async forget(names: string[]): Promise<void> {
    for (const n of names) delete this.tensors[n];
    await this.save(true);
  }

  private guard<T>(op: () => Promise<T>): Promise<T> {
    return quotaGuard(() => Math.max(this.expectedBytes - this.written, 0), this.storage, op).catch(
      async (e: unknown) => {
        await this.close();
        throw e;
      },
    );
  }

  private check(): void {
    if (this.closed) throw new CacheError(`cache entry ${this.key} is already committed or closed`);
  }

  async putFile(path: string, data: string | Uint8Array): Promise<void> {
    this.check();
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.guard(async () => {
      this.filesDir ??= await this.dir.getDirectoryHandle('files', { create: true });
      await writeWholeFile(this.filesDir, fileEntryName(path), bytes);
    });
    this.written += bytes.byteLength - (this.files[path]?.bytes ?? 0);
    this.files[path] = { bytes: bytes.byteLength };
    this.touched = true;
  }

  /**
   * Writes one part of a tensor to its own file (replacing an earlier copy of the same rows) and records it with
   * its checksums. The manifest in progress is saved right after (throttled), so the part survives a reload.
   */
  async putPart(
    t: { name: string; format: QuantFormat | DType; shape: number[]; sources?: string[] },
    part: PartToCache,
  ): Promise<CachePartEntry> {
    this.check();
    const file = partFileName(t.name, part.row0);
    const entry = await this.guard(async () => {
      if (this.resumed?.completedAt && !this.touched) {
        // Repairing a complete entry: it is pending (resumable) from the first rewrite until commit.
        await this.writePending();
        await removeIfPresent(this.dir, 'manifest.json');
      }
      this.touched = true;
      const w = await (
        await this.dir.getFileHandle(file, { create: true })
      ).createWritable({ keepExistingData: false });
      try {
        const buffers: CacheBufferEntry[] = [];
        let offset = 0;
        for (const b of part.buffers) {
          const digests = new SliceDigests(this.slice);
          let bytes = 0;
          const put = async (chunk: Uint8Array): Promise<void> => {
            digests.push(chunk);
            await w.write(chunk as Uint8Array<ArrayBuffer>);
            bytes += chunk.byteLength;
          };
          const pieces = piecesOf(b);
          if (pieces) {
            if (!this.opts.ctx)
              throw new CacheError(`${t.name}: caching GPU buffers needs the GpuContext (WriterOptions.ctx)`);
            for (const p of pieces)
              for await (const s of readbackSlices(this.opts.ctx, p.buffer, p.offset, p.bytes, this.slice))
                await put(s);
          } else {
            const hb = (b as HostBufferToCache).bytes;
            for (let o = 0; o < hb.byteLength; o += this.slice) await put(hb.subarray(o, o + this.slice));
          }
          buffers.push({
            role: b.role,
            dtype: b.dtype,
            shape: [...b.shape],
            blob: file,
            offset,
            bytes,
            sha256: await digests.finish(),
          });
          offset += bytes;
        }
        await w.close();
        return { row0: part.row0, rows: part.rows, buffers };
      } catch (e) {
        await w.abort().catch(() => undefined);
        throw e;
      }
    });
    const te = (this.tensors[t.name] ??= {
      name: t.name,
      format: t.format,
      shape: [...t.shape],
      parts: [],
      ...(t.sources ? { sources: [...t.sources] } : {}),
    });
    const old = te.parts.findIndex((p) => p.row0 === part.row0);
    const size = entry.buffers.reduce((a, b) => a + b.bytes, 0);
    if (old >= 0) {
      this.written -= te.parts[old]!.buffers.reduce((a, b) => a + b.bytes, 0);
      te.parts.splice(old, 1);
    }
    te.parts.push(entry);
    te.parts.sort((a, b) => a.row0 - b.row0);
    if (!this.blobs.includes(file)) this.blobs.push(file);
    this.written += size;
    this.unsavedBytes += size;
    await this.save(false);
    return entry;
  }

  /** Writes every part of a tensor (a tensor already produced whole). */
  async putTensor(t: TensorToCache): Promise<void> {
    if (this.tensors[t.name]) throw new CacheError(`${t.name} is already in cache entry ${this.key}`);
    for (const p of t.parts) await this.putPart(t, p);
  }

  private manifest(completedAt: string | null): CacheManifest {
    return {
      format: CACHE_FORMAT,
      version: CACHE_VERSION,
      key: this.key,
      ...this.identity,
      source: this.source,
      files: this.files,
      tensors: this.tensors,
      blobs: [...this.blobs],
      checksumSliceBytes: this.slice,
      totalBytes: this.written,
      createdAt: this.createdAt,
      completedAt,
    };
  }

  /** Saves pending.json (the manifest in progress); throttled unless `now`. */
  private async save(now: boolean): Promise<void> {
    const t = Date.now();
    // Tiny parts (norms, biases) are batched; a part worth refetching (≥ 1 MiB) is recorded at once.
    if (!now && t - this.lastSave < (this.opts.saveEveryMs ?? 1000) && this.unsavedBytes < 1024 * 1024) return;
    this.lastSave = t;
    this.unsavedBytes = 0;
    await this.guard(() => this.writePending());
  }

  private writePending(): Promise<void> {
    return writeWholeFile(
      this.dir,
      'pending.json',
      JSON.stringify({ ...this.manifest(null), startedAt: this.createdAt }),
    );
  }

  /** Saves the (empty) manifest in progress, marking the entry as pending and resumable. */
  async start(): Promise<void> {
    this.touched = true;
    await this.guard(() => this.writePending());
  }

  /** Writes the manifest: from now on the entry is served. */
  async commit(): Promise<CacheManifest> {
    this.check();
    const manifest = this.manifest(new Date().toISOString());
    await this.guard(async () => {
      await writeWholeFile(this.dir, 'manifest.json', JSON.stringify(manifest));
      await removeIfPresent(this.dir, 'pending.json');
    });
    this.closed = true;
    this.onClose();
    return manifest;
  }

  /** Stops writing and keeps what is on disk (resumable): the parts written so far are in pending.json. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    if (this.touched) await this.writePending().catch(() => undefined);
  }

  /** Drops the entry and everything written so far. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await removeIfPresent(this.root, this.key, true).catch(() => undefined);
  }
}
