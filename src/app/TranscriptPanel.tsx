// The streamed answer: <think> and <answer> sections, cited times linked to the player, run statistics.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useApp } from '../state/store';
import type { TokenLog } from '../state/token-log';
import { splitSections, type Section } from '../viz/sections';
import { findTimeCitations } from '../viz/timestamps';
import { formatClock, formatCount, formatMs } from '../lib/format';

/** Re-renders this component only, once per animation frame while tokens stream. */
function useTokenLog(log: TokenLog): { text: string; count: number } {
  const [snap, setSnap] = useState({ text: log.text, count: log.tokens.length });
  useEffect(() => log.subscribe((l) => setSnap({ text: l.text, count: l.tokens.length })), [log]);
  return snap;
}

export function TranscriptPanel() {
  const log = useApp((s) => s.tokenLog);
  const run = useApp((s) => s.run);
  const seekVideo = useApp((s) => s.seekVideo);
  const { text, count } = useTokenLog(log);
  const sections = useMemo(() => splitSections(text), [text]);
  const streaming = run.status === 'running';

  return (
    <section className="panel transcript-panel" aria-label="Answer">
      <div className="panel-head">
        <h2>Answer</h2>
        <RunStatus count={count} />
      </div>
      {count === 0 && !streaming ? (
        <p className="muted empty">{run.status === 'preparing' ? 'Preparing…' : 'The model’s reasoning will stream here, token by token.'}</p>
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

function RunStatus({ count }: { count: number }) {
  const run = useApp((s) => s.run);
  const st = run.stats;
  const parts: string[] = [];
  if (run.promptTokens) parts.push(`prompt ${formatCount(run.promptTokens)} tokens`);
  if (count) parts.push(`${formatCount(count)} generated`);
  if (st) {
    if (st.visionMs) parts.push(`vision ${formatMs(st.visionMs)}`);
    parts.push(`prefill ${formatMs(st.prefillMs)}`);
    if (st.generatedTokens > 1 && st.decodeMs > 0) parts.push(`${((st.generatedTokens - 1) / (st.decodeMs / 1000)).toFixed(1)} tok/s`);
  }
  const reason = run.stopReason === 'eos' ? 'finished' : run.stopReason === 'max-tokens' ? 'stopped at the token limit' : run.stopReason === 'cancelled' ? 'stopped by you' : null;
  return (
    <div className="run-status muted" data-testid="run-status">
      {run.status === 'running' ? <span className="live-dot" aria-label="streaming" /> : null}
      {parts.join(' · ')}
      {reason ? ` · ${reason}` : ''}
    </div>
  );
}
