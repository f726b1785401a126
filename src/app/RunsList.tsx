// The runs of this session (and imported ones): pick one to show, open a bundle, export the shown run as a
// bundle (JSON, re-opens without a model) or per-token CSV. Says what the memory bound dropped.
import { useRef } from 'react';
import { useApp } from '../state/store';
import { useRunList } from '../runs/use-runs';
import type { RunModel, RunRecord } from '../runs/run-record';
import { formatBytes } from '../lib/format';
import { HiddenFileInput } from '../ui/fields';

const STAGE_WORDS: Record<string, string> = { done: 'done', cancelled: 'stopped', error: 'failed' };

export function RunsList() {
  const store = useApp((s) => s.runs);
  const runs = useRunList(store);
  const selected = useApp((s) => s.runView.selected);
  const selectRun = useApp((s) => s.selectRun);
  const importRuns = useApp((s) => s.importRuns);
  const exportRuns = useApp((s) => s.exportRuns);
  const importError = useApp((s) => s.importError);
  const fileInput = useRef<HTMLInputElement>(null);
  const shown = runs.find((r) => r.id === selected) ?? null;

  const download = (format: 'json' | 'csv') => {
    if (!shown) return;
    const url = URL.createObjectURL(exportRuns([shown.id], format));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${fileStem(shown)}.${format === 'json' ? 'run.json' : 'tokens.csv'}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="runs-list" data-testid="runs-list">
      {runs.length ? (
        <label className="field runs-pick">
          <span>Run</span>
          <select value={selected ?? ''} onChange={(e) => selectRun(e.target.value || null)} aria-label="Run shown">
            {selected === null ? <option value="">—</option> : null}
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                {describeRun(r)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <div className="row runs-actions">
        <button type="button" onClick={() => fileInput.current?.click()}>
          Open run…
        </button>
        <HiddenFileInput
          ref={fileInput}
          accept=".json,application/json"
          aria-label="Open a run bundle"
          onFile={(f) => void importRuns(f)}
        />
        <button
          type="button"
          disabled={!shown?.tokens}
          onClick={() => download('json')}
          title="Everything the run recorded, re-opens without the model"
        >
          Export run
        </button>
        <button
          type="button"
          disabled={!shown?.tokens}
          onClick={() => download('csv')}
          title="One row per token: text, section, attention masses"
        >
          CSV
        </button>
      </div>
      {shown?.meta.model ? <RunModelLine model={shown.meta.model} /> : null}
      {importError ? (
        <div className="error-box" role="alert" data-testid="import-error">
          {importError}
        </div>
      ) : null}
      <DropNotices />
    </div>
  );
}

const QUANT_WORDS: Record<string, string> = { q4: '4-bit', q8: '8-bit', none: '16-bit' };

/** Which weights produced the shown run: id, revision, quantization and the weights' SHA-256 when it is known. */
function RunModelLine({ model }: { model: RunModel }) {
  const hash = model.weightsHash;
  return (
    <p className="muted small run-model" data-testid="run-model">
      {model.id}
      {model.revision ? ` @ ${model.revision}` : ''} · {QUANT_WORDS[model.quantization] ?? model.quantization} ·{' '}
      {hash ? (
        <span title={`SHA-256 of the weights as loaded: ${hash}`}>weights {hash.slice(0, 12)}…</span>
      ) : (
        <span title="Only cached (4-bit or 8-bit) loads and quantized folders carry checksums to name their weights by">
          weights not hashed (uncached load)
        </span>
      )}
    </p>
  );
}

function DropNotices() {
  const store = useApp((s) => s.runs);
  useRunList(store); // re-render when the list changes (drops change it)
  const notices = store.notices;
  if (!notices.length) return null;
  const last = notices[notices.length - 1]!;
  return (
    <p className="muted runs-dropped" data-testid="runs-dropped">
      Dropped {notices.length === 1 ? `“${last.label}”` : `${notices.length} runs (last “${last.label}”)`} (
      {formatBytes(last.bytes)}) at {new Date(last.at).toLocaleTimeString()}: {last.reason} (
      {formatBytes(store.budgetBytes)} kept at most). Export runs you want to keep.
    </p>
  );
}

function describeRun(r: RunRecord): string {
  const m = r.meta;
  const parts = [m.label];
  if (m.origin === 'imported') parts.push('imported');
  if (m.video) parts.push(`${m.video.name}, ${m.video.frameIndices.length} frames`);
  if (m.tap && m.model && m.tap.layer !== m.model.textLayers - 1) parts.push(`layer ${m.tap.layer}`);
  parts.push(STAGE_WORDS[m.stage] ?? m.stage);
  return parts.join(' · ');
}

function fileStem(r: RunRecord): string {
  return (r.meta.video?.name.replace(/\.[^.]+$/, '') ?? 'run') + '-' + r.id.replace(/[^a-z0-9-]/gi, '');
}
