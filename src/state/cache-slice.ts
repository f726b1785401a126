// The cache manager's state: the browser's cached models and storage (from the engine worker, which owns OPFS),
// deleting and exporting an entry, and asking the browser to keep our storage (navigator.storage.persist(), which
// only a page can call).
import type { StateCreator } from 'zustand';
import type { CacheEntryInfo, CacheInfo } from '../protocol/engine';
import type { Progress } from '../engine-client/engine-client';
import { formatBytes } from '../lib/format';
import type { Services } from './services';
import type { AppState } from './store';

export interface CacheSlice {
  cache: {
    info: CacheInfo | null;
    /** The last action's failure, in words. */
    error: string | null;
    /** What the last action did (deleted, exported, persistence granted or declined). */
    note: string | null;
    /** Export in progress: the entry's key and the bytes copied. */
    exporting: { key: string; progress: Progress | null } | null;
  };
  refreshCache: () => Promise<void>;
  deleteCached: (entry: CacheEntryInfo) => Promise<void>;
  exportCached: (entry: CacheEntryInfo, target: FileSystemDirectoryHandle) => Promise<void>;
  requestPersistentStorage: () => Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const nameOf = (e: CacheEntryInfo) => `${e.modelId ?? e.key}${e.revision ? `@${e.revision}` : ''}`;

export const createCacheSlice =
  (services: Services): StateCreator<AppState, [], [], CacheSlice> =>
  (set, get) => {
    const patch = (p: Partial<CacheSlice['cache']>) => set((s) => ({ cache: { ...s.cache, ...p } }));
    return {
      cache: { info: null, error: null, note: null, exporting: null },

      refreshCache: async () => {
        try {
          patch({ info: await services.engine().cacheInfo(), error: null });
        } catch (e) {
          patch({ error: `Could not read the model cache: ${message(e)}` });
        }
      },

      deleteCached: async (entry) => {
        try {
          await services.engine().deleteCached(entry.key);
          const loaded = get().model.summary;
          const running = loaded?.id === entry.modelId && get().model.status === 'ready';
          patch({
            error: null,
            note: running
              ? `Deleted ${nameOf(entry)} (${formatBytes(entry.bytes)}) from the cache. It stays loaded and usable until this page is reloaded; loading it after that downloads it again.`
              : `Deleted ${nameOf(entry)} (${formatBytes(entry.bytes)}) from the cache.`,
          });
        } catch (e) {
          patch({ error: `Could not delete ${nameOf(entry)}: ${message(e)}`, note: null });
        }
        await get().refreshCache();
      },

      exportCached: async (entry, target) => {
        patch({ exporting: { key: entry.key, progress: null }, error: null, note: null });
        try {
          const r = await services
            .engine()
            .exportCached(entry.key, target, (progress) => patch({ exporting: { key: entry.key, progress } }));
          patch({
            note: `Exported ${nameOf(entry)} to ${target.name}/${r.folder} (${r.files} files, ${formatBytes(r.bytes)}). Load it anywhere with Model → Local folder….`,
          });
        } catch (e) {
          patch({ error: `Could not export ${nameOf(entry)}: ${message(e)}` });
        } finally {
          patch({ exporting: null });
        }
      },

      requestPersistentStorage: async () => {
        const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
        if (!storage?.persist) {
          patch({ error: 'This browser cannot make storage persistent (navigator.storage.persist is missing).' });
          return;
        }
        try {
          const granted = await storage.persist();
          patch({
            error: null,
            note: granted
              ? 'Persistent storage granted: the browser will not evict the cached models to make room.'
              : 'The browser declined persistent storage (Chromium grants it to sites that are installed, bookmarked or used often). The cached models may be evicted when the disk runs low.',
          });
        } catch (e) {
          patch({ error: `Could not request persistent storage: ${message(e)}` });
        }
        await get().refreshCache();
      },
    };
  };
