// What the cache manager shows and does: the cached models (size, revision, quantization, last used), the origin's
// storage use against navigator.storage.estimate(), deleting an entry, and advice when the cache does not fit.
// "Last used" is a small sidecar file (last-used.json) beside the manifest, stamped when an entry is written or
// loaded: the manifest itself is written once, at commit, and never rewritten.
import { formatBytes, type StorageQuotaError } from '../errors';
import { CACHE_DIR } from './manifest';
import { fileOrNull, opfsRoot, writeWholeFile } from './opfs';
import { WeightCache, type CacheOptions, type CachedModelInfo } from './weight-cache';

export const LAST_USED_FILE = 'last-used.json';

export interface CacheEntrySummary extends CachedModelInfo {
  /** ISO time the entry was last written or loaded (null when never stamped). */
  lastUsed: string | null;
}

export interface StorageSummary {
  /** Every cache entry (complete, pending or unusable), most recently used first. */
  entries: CacheEntrySummary[];
  /** Bytes of all entries together. */
  cacheBytes: number;
  /** navigator.storage.estimate() for this origin (everything it stores, not only the cache), or null. */
  usage: number | null;
  quota: number | null;
  /** navigator.storage.persisted(): whether the browser keeps this origin's data under storage pressure. */
  persisted: boolean | null;
}

/** When an entry was last used (or written, if never stamped), for ordering; 0 when unknown. */
function lastUseTime(e: Pick<CacheEntrySummary, 'lastUsed' | 'createdAt'>): number {
  return Date.parse(e.lastUsed ?? e.createdAt ?? '') || 0;
}

async function entryDir(key: string, root?: FileSystemDirectoryHandle): Promise<FileSystemDirectoryHandle | null> {
  const base = await (root ?? (await opfsRoot())).getDirectoryHandle(CACHE_DIR, { create: true });
  return base.getDirectoryHandle(key).catch(() => null);
}

async function readLastUsed(dir: FileSystemDirectoryHandle | null): Promise<string | null> {
  const f = dir ? await fileOrNull(dir, LAST_USED_FILE) : null;
  if (!f) return null;
  try {
    const t = (JSON.parse(await f.text()) as { lastUsed?: unknown }).lastUsed;
    return typeof t === 'string' ? t : null;
  } catch {
    return null;
  }
}

/** Records that an entry was just written or loaded. Never fails the caller (a stamp is advisory). */
export async function stampLastUsed(key: string, opts: { root?: FileSystemDirectoryHandle; now?: Date } = {}) {
  try {
    const dir = await entryDir(key, opts.root);
    if (dir)
      await writeWholeFile(dir, LAST_USED_FILE, JSON.stringify({ lastUsed: (opts.now ?? new Date()).toISOString() }));
  } catch {
    // A full disk or another tab holding the entry: the list then shows the previous time.
  }
}

export async function persistedState(): Promise<boolean | null> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  return storage?.persisted ? storage.persisted().catch(() => null) : null;
}

/** The cache manager's view: entries with last use, their total, and the origin's usage and quota. */
export async function storageSummary(opts: CacheOptions = {}): Promise<StorageSummary> {
  const cache = await WeightCache.open(opts);
  const infos = await cache.list();
  const entries: CacheEntrySummary[] = [];
  for (const info of infos)
    entries.push({ ...info, lastUsed: await readLastUsed(await entryDir(info.key, opts.root)) });
  entries.sort((a, b) => lastUseTime(b) - lastUseTime(a) || a.key.localeCompare(b.key));
  const est = await cache.estimate();
  return {
    entries,
    cacheBytes: entries.reduce((a, e) => a + e.bytes, 0),
    usage: est?.usage ?? null,
    quota: est?.quota ?? null,
    persisted: await persistedState(),
  };
}

export async function deleteCacheEntry(key: string, opts: CacheOptions = {}): Promise<void> {
  await (await WeightCache.open(opts)).delete(key);
}

/**
 * The quota message with what to delete: the needed and available bytes, then the cached entries (least recently
 * used first) whose deletion would make room, or all of them when even that is not enough.
 */
export function quotaAdvice(
  err: StorageQuotaError,
  entries: readonly Pick<CacheEntrySummary, 'key' | 'modelId' | 'revision' | 'bytes' | 'lastUsed' | 'createdAt'>[],
  exceptKey: string | null = null,
): string {
  const need = err.neededBytes;
  const avail = err.availableBytes;
  const head =
    avail === null
      ? `Caching the model needs ${formatBytes(need)} of browser storage, and the browser refused the write.`
      : `Caching the model needs ${formatBytes(need)} of browser storage; this site may use ${formatBytes(Math.max(0, avail))} more.`;
  const candidates = entries.filter((e) => e.key !== exceptKey).sort((a, b) => lastUseTime(a) - lastUseTime(b));
  const picked: typeof candidates = [];
  let freed = 0;
  for (const e of candidates) {
    if (avail !== null && avail + freed >= need) break;
    picked.push(e);
    freed += e.bytes;
  }
  const names = picked.map(
    (e) => `${e.modelId ?? e.key}${e.revision ? `@${e.revision}` : ''} (${formatBytes(e.bytes)})`,
  );
  const enough = avail !== null && avail + freed >= need;
  const what = picked.length
    ? ` Delete ${names.join(', ')} under Cached models${enough ? '' : ` (frees ${formatBytes(freed)}, still not enough)`}, or free space on the disk, then load again.`
    : ' No other model is cached here: free space on the disk (or clear other sites’ data), then load again.';
  return `${head}${what} The model stays loaded for now; without the cache it is downloaded again next time.`;
}
