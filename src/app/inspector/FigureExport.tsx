// Image export buttons: the "where it looks" view as PNG or SVG, and the one-click Figure-1 composite.
import { useState } from 'react';
import { useApp } from '../../state/store';
import { focusRange, useInspector } from '../../state/inspector-view';
import type { RunRecord } from '../../runs/run-record';
import { downloadBlob, fileStamp } from './download';
import { figureOneSvg, svgToPng, viewSvg } from './figure';
import { summarise } from './summary-data';

/** Saves the SVG that `make` draws as `<prefix>-<stamp>.svg` or `.png`; a failure is shown by `<ExportError>`. */
function useSvgSave(prefix: string, make: () => string) {
  const [error, setError] = useState<string | null>(null);
  const save = async (kind: 'png' | 'svg') => {
    setError(null);
    try {
      const svg = make();
      const name = `${prefix}-${fileStamp()}`;
      if (kind === 'svg') downloadBlob(`${name}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
      else downloadBlob(`${name}.png`, await svgToPng(svg));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return { save: (kind: 'png' | 'svg') => void save(kind), error };
}

function ExportError({ error }: { error: string | null }) {
  return error ? (
    <span role="alert" className="plan-bad small">
      {error}
    </span>
  ) : null;
}

export function ViewExport({ run }: { run: RunRecord }) {
  const { save, error } = useSvgSave('video-r2-view', () => {
    const root = document.querySelector('.inspector-panel') as HTMLElement;
    const v = useInspector.getState();
    const r = focusRange(v);
    const caption = v.span
      ? `${v.span.label}, tokens ${r![0]}–${r![1] - 1}`
      : r
        ? `token ${r[0]} “${run.tokens?.tokenText(r[0]) ?? ''}”`
        : 'no token in focus';
    return viewSvg(root, run, v.colormap, caption);
  });
  return (
    <div className="row export-row">
      <button type="button" className="small-btn" onClick={() => save('png')} data-testid="export-view-png">
        PNG
      </button>
      <button type="button" className="small-btn" onClick={() => save('svg')} data-testid="export-view-svg">
        SVG
      </button>
      <ExportError error={error} />
    </div>
  );
}

export function FigureExport({ runs }: { runs: readonly RunRecord[] }) {
  const exportRuns = useApp((s) => s.exportRuns);
  const { save, error } = useSvgSave('video-r2-figure1', () => {
    const v = useInspector.getState();
    const cited = new Set<number>();
    for (const c of summarise(runs[0]!, v.heads, v.sinkCorrected, v.selection).cited)
      for (let g = c.pairs[0]; g <= c.pairs[1]; g++) cited.add(g);
    return figureOneSvg(document, runs, cited);
  });
  const saveButton = (format: 'png' | 'svg', label: string) => (
    <button
      type="button"
      className="small-btn"
      onClick={() => save(format)}
      data-testid={`export-figure-${format}`}
      disabled={!runs.length}
    >
      {label}
    </button>
  );
  return (
    <div className="row export-row">
      {saveButton('png', 'Figure 1 (PNG)')}
      {saveButton('svg', 'SVG')}
      <button
        type="button"
        className="small-btn"
        disabled={!runs.length}
        onClick={() =>
          downloadBlob(
            `video-r2-runs-${fileStamp()}.json`,
            exportRuns(
              runs.map((r) => r.id),
              'json',
            ),
          )
        }
        data-testid="export-compared-json"
      >
        Save these runs (JSON)
      </button>
      <ExportError error={error} />
    </div>
  );
}
