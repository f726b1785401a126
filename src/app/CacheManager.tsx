// The cache manager: the models cached in this browser (size, revision, quantization, last used), the site's
// storage against navigator.storage.estimate(), persistence, deleting (confirmed) and exporting one to a folder
// (docs/quantized-folder.md). A modal <dialog>: Escape closes it and focus stays inside while it is open.
import { useEffect, useRef, useState } from 'react';
import type { CacheEntryInfo } from '../protocol/engine';
import { useApp } from '../state/store';
import { formatBytes } from '../lib/format';
import { ProgressBar } from '../ui/ProgressBar';
import './cache-manager.css';

type DirectoryPicker = (opts: { id?: string; mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;

function pickerOf(): DirectoryPicker | null {
  const w = window as unknown as { showDirectoryPicker?: DirectoryPicker };
  return typeof w.showDirectoryPicker === 'function' ? w.showDirectoryPicker.bind(window) : null;
}

function when(iso: string | null): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '—';
  const s = (Date.now() - t) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

function StorageLine() {
  const info = useApp((s) => s.cache.info);
  const persist = useApp((s) => s.requestPersistentStorage);
  if (!info) return <p className="muted">Reading the cache…</p>;
  const { usage, quota, cacheBytes, persisted } = info;
  return (
    <div className="cache-storage">
      {usage !== null && quota !== null ? (
        <>
          <p data-testid="cache-usage">
            This site uses <strong>{formatBytes(usage)}</strong> of the <strong>{formatBytes(quota)}</strong> the
            browser allows it ({formatBytes(Math.max(0, quota - usage))} free); cached models: {formatBytes(cacheBytes)}
            .
          </p>
          <meter min={0} max={quota} value={usage} aria-label="Storage used by this site" />
        </>
      ) : (
        <p>The browser does not report its storage quota; cached models: {formatBytes(cacheBytes)}.</p>
      )}
      <p data-testid="cache-persisted">
        {persisted === true
          ? 'Storage is persistent: the browser will not evict the cached models.'
          : persisted === false
            ? 'Storage is not persistent: the browser may evict the cached models when the disk runs low.'
            : 'This browser does not say whether its storage is persistent.'}{' '}
        {persisted === false ? (
          <button type="button" onClick={() => void persist()}>
            Keep storage persistent
          </button>
        ) : null}
      </p>
    </div>
  );
}

function EntryRow({ entry, loadedId }: { entry: CacheEntryInfo; loadedId: string | null }) {
  const deleteCached = useApp((s) => s.deleteCached);
  const exportCached = useApp((s) => s.exportCached);
  const exporting = useApp((s) => s.cache.exporting);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  const picker = pickerOf();
  const name = entry.modelId ?? entry.key;
  const loaded = loadedId !== null && loadedId === entry.modelId;
  const busy = exporting !== null;
  return (
    <tr data-key={entry.key}>
      <th scope="row">
        {name}
        {loaded ? <span className="cache-tag"> loaded</span> : null}
        {entry.status !== 'complete' ? (
          <div className="warn-text">
            {entry.status === 'pending' ? 'Unfinished' : 'Unusable'}: {entry.problem}
          </div>
        ) : null}
      </th>
      <td>{entry.revision ?? '—'}</td>
      <td>{entry.quantization ?? '16-bit'}</td>
      <td className="num">{formatBytes(entry.bytes)}</td>
      <td>{when(entry.lastUsed ?? entry.createdAt)}</td>
      <td className="cache-actions">
        {confirming ? (
          <span role="group" aria-label={`Delete ${name}?`}>
            <span className="cache-confirm">
              Delete {formatBytes(entry.bytes)}?
              {loaded ? ' It stays loaded until you reload the page, then it is downloaded again.' : ''}
            </span>{' '}
            <button
              ref={confirmRef}
              type="button"
              className="danger"
              onClick={() => {
                setConfirming(false);
                void deleteCached(entry);
              }}
            >
              Delete
            </button>{' '}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <>
            <button
              type="button"
              disabled={!picker || busy || entry.status !== 'complete'}
              title={
                picker
                  ? 'Copy this quantized model to a folder (manifest + part files) to load it elsewhere with no download'
                  : 'Exporting needs a browser with folder access (showDirectoryPicker), such as Chrome or Edge'
              }
              onClick={() => {
                if (!picker) return;
                picker({ id: 'video-r2-export', mode: 'readwrite' }).then(
                  (dir) => void exportCached(entry, dir),
                  () => undefined, // the user closed the picker
                );
              }}
            >
              Export…
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              Delete…
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

export function CacheManager({ onLoadFolder }: { onLoadFolder: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const cache = useApp((s) => s.cache);
  const refresh = useApp((s) => s.refreshCache);
  const loadedId = useApp((s) => (s.model.status === 'ready' ? (s.model.summary?.id ?? null) : null));
  useEffect(() => {
    if (open) {
      if (!dialog.current?.open) dialog.current?.showModal();
      void refresh();
    }
  }, [open, refresh]);

  return (
    <>
      <button type="button" onClick={() => setOpen(true)} aria-haspopup="dialog">
        Cached models
      </button>
      <dialog
        ref={dialog}
        className="cache-manager"
        aria-labelledby="cache-manager-title"
        onClose={() => setOpen(false)}
      >
        {open ? (
          <>
            <header>
              <h2 id="cache-manager-title">Cached models</h2>
              <button type="button" aria-label="Close" onClick={() => dialog.current?.close()}>
                ✕
              </button>
            </header>
            <StorageLine />
            {cache.info && cache.info.entries.length === 0 ? (
              <p className="muted">
                No model is cached in this browser yet. 4-bit models loaded from the Hub are cached here.
              </p>
            ) : null}
            {cache.info && cache.info.entries.length > 0 ? (
              <table className="cache-table">
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Revision</th>
                    <th scope="col">Quantization</th>
                    <th scope="col">Size</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {cache.info.entries.map((e) => (
                    <EntryRow key={e.key} entry={e} loadedId={loadedId} />
                  ))}
                </tbody>
              </table>
            ) : null}
            {cache.exporting ? (
              <ProgressBar
                label="Exporting"
                done={cache.exporting.progress?.done ?? 0}
                total={cache.exporting.progress?.total ?? 0}
                detail={
                  cache.exporting.progress
                    ? `${formatBytes(cache.exporting.progress.done)} of ${formatBytes(cache.exporting.progress.total)}`
                    : undefined
                }
              />
            ) : null}
            {cache.note ? (
              <p className="cache-note" role="status">
                {cache.note}
              </p>
            ) : null}
            {cache.error ? (
              <p className="error-box" role="alert">
                {cache.error}
              </p>
            ) : null}
            <p className="muted">
              An exported folder loads in any browser with no download and no quantizing:{' '}
              <button
                type="button"
                className="link-like"
                onClick={() => {
                  dialog.current?.close();
                  onLoadFolder();
                }}
              >
                load a quantized folder…
              </button>{' '}
              (the same as Model → Local folder…). <code>npm run quantize-folder</code> makes one from a checkpoint on
              disk.
            </p>
          </>
        ) : null}
      </dialog>
    </>
  );
}
