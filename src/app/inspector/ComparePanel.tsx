// Runs side by side (another question, frame count or model): their per-section box plots on one axis and their
// transcripts in aligned columns, tinted on one shared scale, like the paper's Figure 1.
import { memo } from 'react';
import { useApp } from '../../state/store';
import { useInspector, type ColormapName } from '../../state/inspector-view';
import { useRunList } from '../../runs/use-runs';
import type { RunRecord } from '../../runs/run-record';
import { useShownRunId } from './hooks';
import { BoxPlot, type BoxGroup } from './BoxPlot';
import { summarise } from './summary-data';
import { derive } from './run-derived';
import { cssColor } from './palette';
import { niceCeiling } from './scale';
import { tokenRangeForChars } from '../../viz/spans';
import { FigureExport } from './FigureExport';

export function ComparePanel() {
  const store = useApp((s) => s.runs);
  const list = useRunList(store);
  const shownId = useShownRunId();
  const compare = useApp((s) => s.runView.compare);
  const setCompareRuns = useApp((s) => s.setCompareRuns);
  const heads = useInspector((s) => s.heads);
  const sink = useInspector((s) => s.sinkCorrected);
  const colormap = useInspector((s) => s.colormap);
  // Re-render while any compared run streams (coalesced to one per frame by the store).
  useStoreVersion();
  const candidates = list.filter((r) => r.id !== shownId && r.tokens?.shape.attention && r.meta.video);
  const runs = [shownId, ...compare.filter((id) => id !== shownId)]
    .map((id) => (id ? store.get(id) : undefined))
    .filter((r): r is RunRecord => !!r?.tokens?.shape.attention && !!r.meta.video);
  if (!shownId || candidates.length === 0) return null;
  const groups: BoxGroup[] = runs.flatMap((r) => {
    const s = summarise(r, heads, sink, 'think');
    if (!s.think && !s.answer) return [{ label: 'all', sub: shortLabel(r), stats: s.all, color: 'var(--accent)' }];
    return [
      { label: 'think', sub: shortLabel(r), stats: s.think, color: 'var(--think)' },
      { label: 'answer', sub: shortLabel(r), stats: s.answer, color: 'var(--answer)' },
    ];
  });
  let scale = 0;
  for (const r of runs) scale = Math.max(scale, derive(r, heads, sink).valueMax);
  scale = niceCeiling(scale);
  return (
    <section className="panel compare-panel" aria-label="Compare runs" data-testid="compare-panel">
      <div className="panel-head">
        <h2>Compare</h2>
        <FigureExport runs={runs} />
      </div>
      <fieldset className="compare-picks">
        <legend className="small muted">Put beside “{shortLabel(runs[0]!)}”:</legend>
        {candidates.map((r) => (
          <label key={r.id} className="field check">
            <input
              type="checkbox"
              checked={compare.includes(r.id)}
              onChange={(e) =>
                setCompareRuns(e.target.checked ? [...compare, r.id] : compare.filter((id) => id !== r.id))
              }
            />
            <span>{describe(r)}</span>
          </label>
        ))}
      </fieldset>
      {runs.length > 1 ? (
        <>
          <div className="compare-plot">
            <BoxPlot
              title="Token-wise attention to video tokens, per run and section"
              groups={groups}
              testId="compare-boxplot"
            />
          </div>
          <div className="compare-columns" style={{ gridTemplateColumns: `repeat(${runs.length}, minmax(0, 1fr))` }}>
            {runs.map((r) => (
              <CompactTranscript
                key={r.id}
                run={r}
                version={r.version}
                colormap={colormap}
                scale={scale}
                heads={JSON.stringify(heads)}
                sink={sink}
              />
            ))}
          </div>
          <p className="muted small">
            Box plots share one axis and the tint one scale ({Math.round(100 * scale)}% at the top), so the runs read
            against each other.
          </p>
        </>
      ) : null}
    </section>
  );
}

function useStoreVersion(): number {
  const store = useApp((s) => s.runs);
  useRunList(store);
  return store.version;
}

const shortLabel = (r: RunRecord) => r.meta.label.replace(/\s*·.*$/, '');

function describe(r: RunRecord): string {
  const m = r.meta;
  return [m.label, m.model?.id, m.video ? `${m.video.frameTimes.length} frames` : null].filter(Boolean).join(' · ');
}

/** One run's think and answer, tinted per token; re-renders only when the run or the scale changes. */
const CompactTranscript = memo(function CompactTranscript({
  run,
  colormap,
  scale,
  heads,
  sink,
}: {
  run: RunRecord;
  version: number;
  colormap: ColormapName;
  scale: number;
  heads: string;
  sink: boolean;
}) {
  const d = derive(run, JSON.parse(heads), sink);
  const t = run.tokens!;
  const m = run.meta;
  return (
    <article className="compact-transcript" data-run={run.id}>
      <header>
        <strong className="small">{m.label}</strong>
        <div className="muted small">
          {m.model?.id} · {m.video?.frameTimes.length} frames · “{m.prompt.question.slice(0, 80)}”
        </div>
      </header>
      {d.sections
        .filter((s) => s.end > s.start)
        .map((s) => {
          const [from, to] = tokenRangeForChars(t.charStarts, d.count, d.text.length, s.start, s.end);
          const pieces = [];
          for (let i = from; i < to; i++) {
            const a = Math.max(t.charStarts[i]!, s.start);
            const b = Math.min(t.charEnd(i), s.end);
            const c = scale > 0 ? cssColor(colormap, d.values[i]! / scale) : undefined;
            pieces.push(
              <span
                key={i}
                style={
                  c ? { backgroundImage: `linear-gradient(to top, ${c} 0, ${c} 0.3em, transparent 0.3em)` } : undefined
                }
              >
                {d.text.slice(a, b)}
              </span>,
            );
          }
          return (
            <div key={s.start} className={`sec sec-${s.kind}`}>
              {s.kind === 'text' ? null : (
                <div className="sec-label">{s.kind === 'think' ? 'Reasoning' : 'Answer'}</div>
              )}
              <div className="sec-body">{pieces}</div>
            </div>
          );
        })}
    </article>
  );
});
