// "Where a token looks": the heat strip over time, the spatial map of every frame pair, the reverse view, the
// display controls with their legend, the video-vs-text split and the per-head view, for the run shown.
import { useEffect } from 'react';
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import { useShownRun } from './hooks';
import { HeatStrip } from './HeatStrip';
import { PairMaps } from './PairMaps';
import { Controls, Legend, SegmentBar } from './Controls';
import { HeadMultiples } from './HeadMultiples';
import { ReverseList } from './ReverseList';
import { ViewExport } from './FigureExport';
import './inspector.css';

export function InspectorPanel() {
  const run = useShownRun();
  const runId = run?.id ?? null;
  const hasPlayer = useApp((s) => s.video.url !== null);
  useEffect(() => useInspector.getState().resetFocus(), [runId]);
  const attention = !!run?.tokens?.shape.attention && !!run.meta.video;
  return (
    <section className="panel inspector-panel" aria-label="Attention">
      <div className="panel-head">
        <h2>Where it looks</h2>
        <div className="row">
          <FocusLabel />
          {run && attention ? <ViewExport run={run} /> : null}
        </div>
      </div>
      {!run ? (
        <p className="muted empty">
          Ask a question (or open saved runs) to see, for every token, where in the video it looked.
        </p>
      ) : !attention ? (
        <p className="muted empty">
          This run was recorded without attention (turn on “Record attention” under Decoding).
        </p>
      ) : (
        <>
          {/* Under the player when a video is loaded (VideoPanel); here otherwise. */}
          {hasPlayer ? null : <HeatStrip runId={run.id} />}
          <PairMaps run={run} />
          <ReverseList run={run} />
          <Controls heads={run.tokens!.shape.heads} />
          <Legend run={run} />
          <SegmentBar run={run} />
          <HeadMultiples runId={run.id} heads={run.tokens!.shape.heads} />
        </>
      )}
    </section>
  );
}

function FocusLabel() {
  const hover = useInspector((s) => s.hover);
  const lock = useInspector((s) => s.lock);
  const span = useInspector((s) => s.span);
  const toggleLock = useInspector((s) => s.toggleLock);
  const text = span
    ? `${span.label}: tokens ${span.from}–${span.to - 1}`
    : lock !== null
      ? `token ${lock} (locked)`
      : hover !== null
        ? `token ${hover}`
        : 'hover a token';
  return (
    <div className="row focus-label" data-testid="focus-label">
      <span className="muted small">{text}</span>
      {lock !== null ? (
        <button type="button" className="small-btn" onClick={() => toggleLock(null)}>
          unlock
        </button>
      ) : null}
    </div>
  );
}
