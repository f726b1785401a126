// Brand, model choice and loading, and what GPU we run on.
import { useRef, useState } from 'react';
import { useApp } from '../state/store';
import { CATALOG, customHubModel } from '../state/model-catalog';
import { formatBytes } from '../lib/format';
import type { Quantization } from '../protocol/engine';
import { LoadProgress } from './LoadProgress';
import { ThemeToggle } from './ThemeToggle';
import { HubSettingsForm } from './HubSettingsForm';
import { CacheManager } from './CacheManager';

const CUSTOM = '__custom__';

const LOCAL = '__local__';

/** What the chosen weight format leaves in the browser's cache after a Hub download. */
const CACHE_NOTE: Record<Quantization, string> = {
  q4: '4-bit weights are then cached in this browser',
  q8: '8-bit weights are then cached in this browser',
  none: '16-bit weights are not cached',
};

export function TopBar() {
  const model = useApp((s) => s.model);
  const gpu = useApp((s) => s.env.gpu);
  const selectModel = useApp((s) => s.selectModel);
  const selectLocalFolder = useApp((s) => s.selectLocalFolder);
  const setLoadOptions = useApp((s) => s.setLoadOptions);
  const loadModel = useApp((s) => s.loadModel);
  const cancelLoad = useApp((s) => s.cancelLoad);
  const [custom, setCustom] = useState('');
  const [customMode, setCustomMode] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);

  const catalogEntry = CATALOG.find((c) => c.id === model.selectedId);
  // Custom mode first: choosing "Other Hugging Face repo…" after a local folder must show the repo field.
  const selectValue = customMode
    ? CUSTOM
    : model.selectedId.startsWith('local:')
      ? LOCAL
      : !catalogEntry
        ? CUSTOM
        : model.selectedId;
  const busy = model.status === 'loading';
  // The custom field is in use but its id has not been applied: Load must not fall back to the previous model.
  const customId = customHubModel(custom)?.id ?? null;
  const customProblem =
    custom.trim() === ''
      ? 'Enter a Hugging Face repository id (owner/name).'
      : customId
        ? null
        : 'owner/name expected (for example MBZUAI/Video-R2).';
  const customPending = selectValue === CUSTOM && customMode && customId !== model.selectedId;
  const loaded = model.status !== 'loading' && model.summary ? model.summary : null;
  const loadedName = loaded ? (CATALOG.find((c) => c.id === loaded.id)?.name ?? loaded.id.replace(/^local:/, '')) : '';
  const selectedIsLoaded = loaded?.id === model.selectedId;
  const hubHost = useApp((s) => {
    try {
      return new URL(s.hub.endpoint).host;
    } catch {
      return s.hub.endpoint;
    }
  });

  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ▣
        </span>
        <h1>Video-R2 Web</h1>
      </div>
      <div className="model-picker">
        <label>
          <span className="sr-only">Model</span>
          <select
            aria-label="Model"
            value={selectValue}
            disabled={busy}
            onChange={(e) => {
              const v = e.target.value;
              if (v === CUSTOM) setCustomMode(true);
              else if (v === LOCAL) {
                setCustomMode(false);
                folderInput.current?.click();
              } else {
                setCustomMode(false);
                selectModel(v);
              }
            }}
          >
            {CATALOG.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
            <option value={CUSTOM}>Other Hugging Face repo…</option>
            <option value={LOCAL}>
              {model.selectedId.startsWith('local:') ? `Local folder: ${model.selectedId.slice(6)}` : 'Local folder…'}
            </option>
          </select>
        </label>
        {selectValue === CUSTOM ? (
          <form
            className="custom-repo"
            onSubmit={(e) => {
              e.preventDefault();
              const m = customHubModel(custom);
              if (m) selectModel(m.id);
            }}
          >
            <input
              type="text"
              aria-label="Hugging Face repository"
              aria-describedby="custom-repo-hint"
              placeholder="owner/name"
              value={custom}
              onChange={(e) => setCustom(e.target.value)}
            />
            <button type="submit" disabled={!customId}>
              Use
            </button>
            {customProblem || customPending ? (
              <span id="custom-repo-hint" className="custom-repo-hint muted" role="status">
                {customProblem ?? 'Press Use to choose this repository.'}
              </span>
            ) : null}
          </form>
        ) : null}
        <input
          ref={folderInput}
          type="file"
          hidden
          multiple
          // @ts-expect-error: non-standard but universally supported folder picking
          webkitdirectory=""
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []).map((file) => ({
              path: file.webkitRelativePath || file.name,
              file,
            }));
            if (files.length) selectLocalFolder(files);
            e.target.value = '';
          }}
        />
        <HubSettingsForm />
        <CacheManager
          onLoadFolder={() => {
            setCustomMode(false);
            folderInput.current?.click();
          }}
        />
        <select
          aria-label="Weights"
          value={model.options.quantization}
          disabled={busy}
          onChange={(e) => setLoadOptions({ quantization: e.target.value as Quantization })}
          title="Language-model weights. 4-bit: ≈5.6 GB for 7B. 8-bit: ≈9.4 GB, closer to the reference (try it when 4-bit changes an answer). 16-bit: exact reference numbers, ≈16.6 GB."
        >
          <option value="q4">4-bit</option>
          <option value="q8">8-bit</option>
          <option value="none">16-bit</option>
        </select>
        {loaded ? (
          <span
            className="model-ready"
            title={`${loaded.textLayers} layers, hidden ${loaded.hidden}, vision depth ${loaded.visionDepth}`}
          >
            ✓ {selectedIsLoaded ? '' : `${loadedName} loaded · `}
            {formatBytes(loaded.weightBytes)} on GPU{model.fromCache ? ' (from cache)' : ''}
          </span>
        ) : null}
        {!selectedIsLoaded || customPending ? (
          <button
            className="primary"
            disabled={busy || model.selectedId === '' || customPending}
            title={customPending ? (customProblem ?? 'Press Use first') : undefined}
            onClick={() => void loadModel()}
          >
            {busy ? 'Loading…' : 'Load model'}
          </button>
        ) : null}
        {busy ? (
          <>
            <LoadProgress progress={model.progress} />
            <button type="button" onClick={cancelLoad}>
              Cancel
            </button>
          </>
        ) : null}
      </div>
      <div
        className="gpu-badge muted"
        title={
          gpu
            ? `maxBufferSize ${formatBytes(gpu.maxBufferSize)}, binding ${formatBytes(gpu.maxStorageBufferBindingSize)}`
            : undefined
        }
      >
        {gpu ? `GPU: ${gpu.adapter}${gpu.shaderF16 ? ' · f16' : ''}${gpu.subgroups ? ' · subgroups' : ''}` : ''}
      </div>
      <ThemeToggle />
      {loaded?.warnings.length && !model.error ? (
        <div className="warn-box topbar-error">{loaded.warnings.join(' ')}</div>
      ) : null}
      {model.error ? (
        <div className="error-box topbar-error" role="alert">
          Could not load the model: {model.error}
          {loaded ? `${/[.…]$/.test(model.error) ? '' : '.'} ${loadedName} is still loaded and usable.` : ''}
        </div>
      ) : null}
      {!selectedIsLoaded && !busy && (catalogEntry || customId === model.selectedId) ? (
        <p className="model-note muted">
          {catalogEntry?.note ?? customHubModel(model.selectedId)?.note}
          {catalogEntry && catalogEntry.downloadBytes <= 1e9
            ? ''
            : ` Load model requests its files from ${hubHost}${catalogEntry ? ` (≈${formatBytes(catalogEntry.downloadBytes)} once; ${CACHE_NOTE[model.options.quantization]})` : ''}; nothing is requested before that.`}
        </p>
      ) : null}
    </header>
  );
}
