// Which run the views show, and the run files: open a bundle (JSON), save the shown and compared runs as a bundle
// or as CSV. A bad bundle gets a specific message and changes nothing.
import { useRef, useState } from 'react';
import { useApp } from '../../state/store';
import { useRunList } from '../../runs/use-runs';
import type { RunRecord } from '../../runs/run-record';
import { bundleRuns, readBundle, serializeBundle } from '../../runs/bundle';
import { runsToCsv } from '../../runs/csv';
import { useShownRunId } from './hooks';
import { downloadBlob, fileStamp } from './download';

export function RunsBar() {
  const store = useApp((s) => s.runs);
  const list = useRunList(store);
  const shown = useShownRunId();
  const compare = useApp((s) => s.runView.compare);
  const selectRun = useApp((s) => s.selectRun);
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const exported = () => [shown, ...compare.filter((id) => id !== shown)].map((id) => (id ? store.get(id) : undefined)).filter((r): r is RunRecord => !!r?.tokens);

  const open = async (file: File) => {
    setError(null);
    setNote(null);
    try {
      const records = readBundle(await file.text(), file.name, (id) => store.get(id) !== undefined);
      for (const r of records) store.add(r.meta, r.tokens);
      selectRun(records.at(-1)!.id);
      setNote(`Opened ${records.length} run${records.length > 1 ? 's' : ''} from “${file.name}”.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="runs-bar">
      <div className="row">
        <label className="field run-pick">
          <span>Run shown</span>
          <select value={shown ?? ''} onChange={(e) => selectRun(e.target.value || null)} disabled={!list.length} data-testid="run-select">
            {list.length ? null : <option value="">no runs yet</option>}
            {list.map((r) => (
              <option key={r.id} value={r.id}>
                {r.meta.label}
                {r.meta.origin === 'imported' ? ' (file)' : ''}
              </option>
            ))}
          </select>
        </label>
        <input
          ref={input}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="bundle-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void open(f);
            e.target.value = '';
          }}
        />
        <button type="button" onClick={() => input.current?.click()}>
          Open runs…
        </button>
        <button type="button" disabled={!exported().length} onClick={() => downloadBlob(`video-r2-runs-${fileStamp()}.json`, new Blob([serializeBundle(bundleRuns(exported()))], { type: 'application/json' }))} data-testid="export-json">
          Save JSON
        </button>
        <button type="button" disabled={!exported().length} onClick={() => downloadBlob(`video-r2-tokens-${fileStamp()}.csv`, new Blob([runsToCsv(exported())], { type: 'text/csv' }))} data-testid="export-csv">
          Save CSV
        </button>
      </div>
      {error ? (
        <div className="error-box" role="alert" data-testid="bundle-error">
          {error}{' '}
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => setError(null)}>
            ×
          </button>
        </div>
      ) : null}
      {note ? <p className="muted small">{note}</p> : null}
      {store.notices.length ? <p className="muted small">{store.notices.map((n) => `Dropped “${n.label}” (${(n.bytes / 2 ** 20).toFixed(0)} MiB): ${n.reason}.`).join(' ')}</p> : null}
    </div>
  );
}
