// The model cache: list / open / write / delete entries in the Origin Private File System. One entry per
// (model id, revision, q4/q8 scheme); see manifest.ts for the layout. Quota is checked with
// navigator.storage.estimate() before writing, and a QuotaExceededError mid-write becomes a StorageQuotaError.
import { CacheError, StorageQuotaError } from '../errors';
import { Q4_SCHEME } from '../q4-scheme';
import { schemeById, type QuantScheme } from '../q8-scheme';
import { CacheWriter, type WriterOptions } from './cache-writer';
import { CachedModel } from './cached-model';
import { CACHE_DIR, cacheKey, manifestProblem, type CacheIdentity, type CacheManifest } from './manifest';
import { fileOrNull, listDirectoryNames, opfsRoot, quotaGuard, removeIfPresent, type StorageEstimator } from './opfs';
import type { CacheEntryInfo } from '../../../protocol/engine';

/** Writers open in this JS realm, by key: replacing or deleting an entry first aborts its writer (which holds file locks). */
const activeWriters = new Map<string, CacheWriter>();

async function removeEntry(root: FileSystemDirectoryHandle, key: string): Promise<void> {
  await activeWriters.get(key)?.abort();
  try {
    await removeIfPresent(root, key, true);
  } catch (e) {
    if ((e as { name?: string }).name === 'NoModificationAllowedError') {
      throw new CacheError(
        `the cached model ${key} is being written by another tab; close that tab (or wait for it to finish) and try again`,
      );
    }
    throw e;
  }
}

/** A cache entry as the cache lists it: the cache manager's entry before its last-use stamp is added. */
export type CachedModelInfo = Omit<CacheEntryInfo, 'lastUsed'>;

export interface ModelIdentity {
  modelId: string;
  revision: string | null;
  /** Defaults to this build's Q4_SCHEME. */
  quantization?: QuantScheme | null;
}

export interface CacheLookup {
  state: 'complete' | 'pending' | 'unusable' | 'absent';
  model: CachedModel | null;
  problem: string | null;
}

function fullIdentity(id: ModelIdentity): CacheIdentity {
  return {
    modelId: id.modelId,
    revision: id.revision,
    quantization: id.quantization === undefined ? Q4_SCHEME : id.quantization,
  };
}

export interface CacheOptions {
  /** Defaults to navigator.storage.getDirectory(). */
  root?: FileSystemDirectoryHandle;
  /** Defaults to navigator.storage (injected in tests to simulate a full disk). */
  storage?: StorageEstimator | null;
  /** Extra room kept free beyond the expected size (default 64 MB + 1 %). */
  headroom?: (bytes: number) => number;
}

async function dirBytes(dir: FileSystemDirectoryHandle): Promise<number> {
  let total = 0;
  for (const e of await listDirectoryNames(dir)) {
    if (e.kind === 'file') total += (await fileOrNull(dir, e.name))?.size ?? 0;
    else total += await dirBytes(await dir.getDirectoryHandle(e.name));
  }
  return total;
}

async function readJson(dir: FileSystemDirectoryHandle, name: string): Promise<unknown> {
  const f = await fileOrNull(dir, name);
  if (!f) return null;
  try {
    return JSON.parse(await f.text());
  } catch {
    return undefined;
  }
}

export class WeightCache {
  private constructor(
    private readonly root: FileSystemDirectoryHandle,
    private readonly storage: StorageEstimator | null,
    private readonly headroom: (bytes: number) => number,
  ) {}

  static async open(opts: CacheOptions = {}): Promise<WeightCache> {
    const base = opts.root ?? (await opfsRoot());
    const root = await base.getDirectoryHandle(CACHE_DIR, { create: true });
    const storage =
      opts.storage !== undefined ? opts.storage : ((globalThis.navigator as Navigator | undefined)?.storage ?? null);
    return new WeightCache(root, storage, opts.headroom ?? ((b) => 64e6 + b * 0.01));
  }

  /** Usage and quota of this origin's storage (for a settings panel), or null when unknown. */
  async estimate(): Promise<{ usage: number; quota: number } | null> {
    const e = await this.storage?.estimate().catch(() => null);
    return e && e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : null;
  }

  async list(): Promise<CachedModelInfo[]> {
    const out: CachedModelInfo[] = [];
    for (const e of await listDirectoryNames(this.root)) {
      if (e.kind !== 'directory') continue;
      const dir = await this.root.getDirectoryHandle(e.name);
      const manifest = (await readJson(dir, 'manifest.json')) as CacheManifest | null | undefined;
      const pending = (await readJson(dir, 'pending.json')) as
        (CacheIdentity & { startedAt?: string }) | null | undefined;
      const info = manifest ?? pending ?? null;
      // Each entry is checked against this build's scheme of the same id (q4 and q8 entries are both usable).
      const problem = manifest
        ? manifestProblem(manifest, schemeById(manifest.quantization?.id) ?? Q4_SCHEME)
        : manifest === undefined
          ? 'manifest.json is unreadable'
          : null;
      out.push({
        key: e.name,
        modelId: info?.modelId ?? null,
        revision: info?.revision ?? null,
        quantization: info?.quantization?.id ?? null,
        bytes: await dirBytes(dir),
        status: manifest && !problem ? 'complete' : manifest === null ? 'pending' : 'unusable',
        problem: manifest === null ? 'not finished (interrupted, or still being written)' : problem,
        createdAt: manifest?.createdAt ?? pending?.startedAt ?? null,
      });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    if (key.includes('/') || key === '.' || key === '..') throw new CacheError(`bad cache key ${key}`);
    await removeEntry(this.root, key);
  }

  /** The complete, compatible entry for this model, or null (nothing cached, unfinished, or another format). */
  async openModel(id: ModelIdentity): Promise<CachedModel | null> {
    const found = await this.find(id);
    return found.state === 'complete' ? found.model : null;
  }

  /**
   * What the cache holds for this model: a complete entry, a pending one (an interrupted download to resume; its
   * parts are readable), an unusable one (older format or quantization scheme: `problem` says which; the next write rebuilds
   * it), or nothing.
   */
  async find(id: ModelIdentity): Promise<CacheLookup> {
    const identity = fullIdentity(id);
    const dir = await this.root.getDirectoryHandle(cacheKey(identity)).catch(() => null);
    if (!dir) return { state: 'absent', model: null, problem: null };
    for (const [file, state] of [
      ['manifest.json', 'complete'],
      ['pending.json', 'pending'],
    ] as const) {
      const m = await readJson(dir, file);
      if (m === null) continue;
      const problem = m === undefined ? `${file} is unreadable` : manifestProblem(m, identity.quantization);
      if (problem) return { state: 'unusable', model: null, problem };
      return { state, model: new CachedModel(dir, m as CacheManifest), problem: null };
    }
    return { state: 'absent', model: null, problem: null };
  }

  /**
   * Continues writing an entry: a pending or complete compatible one is resumed (its parts kept; a repaired part
   * replaces its file), anything else is replaced by a fresh entry. Throws StorageQuotaError up front when
   * navigator.storage.estimate() shows too little room for what remains of `expectedBytes`.
   */
  async resumeWrite(id: CacheIdentity, expectedBytes: number, opts: WriterOptions = {}): Promise<CacheWriter> {
    const found = await this.find(id);
    if (!found.model) return this.beginWrite(id, expectedBytes, opts);
    const key = cacheKey(id);
    // A writer still open on this entry (an earlier load in this tab) stops, keeping its parts for this one.
    await activeWriters.get(key)?.close();
    const remaining = Math.max(0, expectedBytes - found.model.manifest.totalBytes);
    const est = await this.estimate();
    if (est && remaining + this.headroom(remaining) > est.quota - est.usage)
      throw new StorageQuotaError(remaining, est.quota - est.usage);
    const dir = await this.root.getDirectoryHandle(key);
    const writer = new CacheWriter(
      this.root,
      dir,
      key,
      id,
      expectedBytes,
      this.storage,
      opts,
      () => {
        if (activeWriters.get(key) === writer) activeWriters.delete(key);
      },
      found.model.manifest,
    );
    activeWriters.set(key, writer);
    return writer;
  }

  /**
   * Starts writing an entry (replacing any previous one with the same key). Throws StorageQuotaError up front
   * when navigator.storage.estimate() shows too little room for `expectedBytes`.
   */
  async beginWrite(id: CacheIdentity, expectedBytes: number, opts: WriterOptions = {}): Promise<CacheWriter> {
    const key = cacheKey(id);
    const old = await this.root.getDirectoryHandle(key).catch(() => null);
    const reclaim = old ? await dirBytes(old) : 0;
    const est = await this.estimate();
    if (est) {
      const available = est.quota - est.usage + reclaim;
      if (expectedBytes + this.headroom(expectedBytes) > available)
        throw new StorageQuotaError(expectedBytes, available);
    }
    await removeEntry(this.root, key);
    const dir = await quotaGuard(
      () => expectedBytes,
      this.storage,
      () => this.root.getDirectoryHandle(key, { create: true }),
    );
    const writer = new CacheWriter(this.root, dir, key, id, expectedBytes, this.storage, opts, () => {
      if (activeWriters.get(key) === writer) activeWriters.delete(key);
    });
    activeWriters.set(key, writer);
    await writer.start();
    return writer;
  }
}
