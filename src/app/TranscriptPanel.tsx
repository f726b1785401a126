// The answer of the run on screen (the run store's selected run): <think> and <answer> sections, cited times
// linked to the player, run statistics; above it the stage line of the latest attempt and the list of runs.
import { useMemo, type ReactNode } from 'react';
import { useApp } from '../state/store';
import { useRun } from '../runs/use-runs';
import type { RunRecord } from '../runs/run-record';
import { splitSections, type Section } from '../viz/sections';
import { findTimeCitations } from '../viz/timestamps';
import { formatClock, formatCount, formatMs } from '../lib/format';
import { RunStageLine } from './RunStageLine';
import { RunsList } from './RunsList';

export function TranscriptPanel() {
  const runs = useApp((s) => s.runs);
  const selected = useApp((s) => s.runView.selected);
  const attempt = useApp((s) => s.run);
  const seekVideo = useApp((s) => s.seekVideo);
  const { run } = useRun(runs, selected);
  const text = run?.tokens?.text ?? '';
  const count = run?.tokens?.count ?? 0;
  const sections = useMemo(() => splitSections(text), [text]);
  const streaming = run !== null && !['done', 'cancelled', 'error'].includes(run.meta.stage);

  return (
    <section className="panel transcript-panel" aria-label="Answer">
      <div className="panel-head">
        <h2>Answer</h2>
        {run ? <RunStatus run={run} count={count} streaming={streaming} /> : null}
      </div>
      <RunStageLine />
      <RunsList />
      {count === 0 && !streaming ? (
        <p className="muted empty">{attempt.status === 'preparing' ? 'Preparing…' : 'The model’s reasoning will stream here, token by token.'}</p>
      ) : (
        <div className="transcript" aria-live="off" data-testid="transcript">
          {sections.map((s, i) => (
            <SectionView key={i} section={s} text={text} onSeek={seekVideo} last={i === sections.length - 1 && streaming} />
          ))}
        </div>
      )}
    </section>
  );
}

function SectionView({ section, text, onSeek, last }: { section: Section; text: string; onSeek: (sec: number) => void; last: boolean }) {
  const body = linkTimes(text.slice(section.start, section.end), onSeek);
  const caret = last ? <span className="caret" aria-hidden /> : null;
  if (section.kind === 'text') {
    return (
      <span className="sec-text">
        {body}
        {caret}
      </span>
    );
  }
  return (
    <div className={`sec sec-${section.kind}`}>
      <div className="sec-label">
        {section.kind === 'think' ? 'Reasoning' : 'Answer'}
        {!section.closed && !last ? <span className="muted"> (unclosed)</span> : null}
      </div>
      <div className="sec-body">
        {body}
        {caret}
      </div>
    </div>
  );
}

function linkTimes(s: string, onSeek: (sec: number) => void): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const c of findTimeCitations(s)) {
    if (c.start > at) out.push(s.slice(at, c.start));
    out.push(
      <button key={c.start} type="button" className="time-link" title={`Show ${formatClock(c.startSec, 1)} in the player`} onClick={() => onSeek(c.startSec)}>
        {c.text}
      </button>,
    );
    at = c.end;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

function RunStatus({ run, count, streaming }: { run: RunRecord; count: number; streaming: boolean }) {
  const { layout, timings, stopReason } = run.meta;
  const st = timings.engine;
  const parts: string[] = [];
  if (layout) parts.push(`prompt ${formatCount(layout.promptTokens)} tokens`);
  if (count) parts.push(`${formatCount(count)} generated`);
  if (st) {
    if (st.visionMs) parts.push(`vision ${formatMs(st.visionMs)}`);
    parts.push(`prefill ${formatMs(st.prefillMs)}`);
    if (count > 1 && st.decodeMs > 0) parts.push(`${((count - 1) / (st.decodeMs / 1000)).toFixed(1)} tok/s`);
  }
  const reason = stopReason === 'eos' ? 'finished' : stopReason === 'max-tokens' ? 'stopped at the token limit' : stopReason === 'cancelled' ? 'stopped by you' : null;
  return (
    <div className="run-status muted" data-testid="run-status">
      {streaming ? <span className="live-dot" aria-label="streaming" /> : null}
      {parts.join(' · ')}
      {reason ? ` · ${reason}` : ''}
    </div>
  );
}
