// The shown run's answer: <think> and <answer> as plain text (model output never becomes HTML), each token tinted
// by its video attention, cited times as chips that seek the player and pick their frame pair. Hover a token to see
// where it looks, click (or Enter) to lock it, select text or use the span buttons for aggregated maps.
import { memo, useEffect, useRef } from 'react';
import { useApp } from '../state/store';
import { focusRange, useInspector } from '../state/inspector-view';
import { useStoreRun } from './use-store-run';
import { derive, reverseRanking, type DerivedRun } from './inspector/run-derived';
import { useShownRunId } from './inspector/hooks';
import { cssColor } from './inspector/palette';
import { sectionTokenRange, sentenceAround, tokenRangeForChars } from '../viz/spans';
import { pairForTime } from '../viz/citations';
import type { TimeCitation } from '../viz/timestamps';
import { formatClock, formatCount, formatMs } from '../lib/format';
import type { RunTokens } from '../runs/run-tokens';
import { niceCeiling } from './inspector/scale';
import type { RunRecord } from '../runs/run-record';
import { RunStageLine } from './RunStageLine';
import { RunsList } from './RunsList';

export function TranscriptPanel() {
  const runId = useShownRunId();
  const { run } = useStoreRun(runId);
  const live = useApp((s) => s.run);
  const heads = useInspector((s) => s.heads);
  const sink = useInspector((s) => s.sinkCorrected);
  const tint = useInspector((s) => s.tint);
  const colormap = useInspector((s) => s.colormap);
  const reverse = useInspector((s) => s.reverse);
  const d = run ? derive(run, heads, sink) : null;
  const tokens = run?.tokens ?? null;
  const streaming = run !== null && !['done', 'cancelled', 'error'].includes(run.meta.stage);

  const scale = niceCeiling(d?.valueMax ?? 0);
  const tintKey = tint && tokens?.shape.attention ? `${colormap}:${scale}:${heads.kind}:${sink}` : 'off';
  const topKey = (run ? reverseRanking(run, reverse) : []).map((r) => r.token).join(',');

  return (
    <section className="panel transcript-panel" aria-label="Answer">
      <div className="panel-head">
        <h2>Answer</h2>
        {run ? <RunStatus run={run} count={d?.count ?? 0} streaming={streaming} /> : null}
      </div>
      <RunStageLine />
      <RunsList />
      {!d || !tokens || d.count === 0 ? (
        <p className="muted empty">
          {live.status === 'preparing' || live.status === 'running'
            ? 'Preparing…'
            : 'The model’s reasoning will stream here, token by token.'}
        </p>
      ) : (
        <>
          <SpanButtons d={d} tokens={tokens} />
          <TokenText d={d} tokens={tokens} streaming={streaming} tintKey={tintKey} scale={scale} topKey={topKey} />
        </>
      )}
    </section>
  );
}

/** Buttons that select a span of tokens for aggregated maps. */
function SpanButtons({ d, tokens }: { d: DerivedRun; tokens: RunTokens }) {
  const span = useInspector((s) => s.span);
  const lock = useInspector((s) => s.lock);
  const setSpan = useInspector((s) => s.setSpan);
  const pick = (kind: 'think' | 'answer') => {
    const sec = [...d.sections].reverse().find((s) => s.kind === kind);
    if (!sec) return;
    const [from, to] = sectionTokenRange(tokens.charStarts, d.count, d.text.length, sec);
    if (to > from) setSpan({ from, to, label: `all of <${kind}>` });
  };
  const sentence = () => {
    if (lock === null) return;
    const s = sentenceAround(d.text, tokens.charStarts[lock]!, tokens.charEnd(lock));
    const [from, to] = tokenRangeForChars(tokens.charStarts, d.count, d.text.length, s.start, s.end);
    if (to > from) setSpan({ from, to, label: 'sentence' });
  };
  return (
    <div className="row span-row" role="toolbar" aria-label="Token spans">
      <span className="muted small">Aggregate:</span>
      {(['think', 'answer'] as const).map((kind) => (
        <button
          key={kind}
          type="button"
          className="small-btn"
          onClick={() => pick(kind)}
          disabled={!d.sections.some((s) => s.kind === kind)}
        >
          {`all of <${kind}>`}
        </button>
      ))}
      <button
        type="button"
        className="small-btn"
        onClick={sentence}
        disabled={lock === null}
        title="The sentence around the locked token"
      >
        sentence
      </button>
      {span ? (
        <button type="button" className="small-btn" onClick={() => setSpan(null)} data-testid="span-clear">
          clear {span.label} ({span.to - span.from} tokens) ×
        </button>
      ) : null}
    </div>
  );
}

function TokenText({
  d,
  tokens,
  streaming,
  tintKey,
  scale,
  topKey,
}: {
  d: DerivedRun;
  tokens: RunTokens;
  streaming: boolean;
  tintKey: string;
  scale: number;
  topKey: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const colormap = useInspector((s) => s.colormap);
  const seekVideo = useApp((s) => s.seekVideo);
  const frameTimes = useShownFrameTimes();
  const onChip = (c: TimeCitation) => {
    seekVideo(c.startSec);
    if (frameTimes && frameTimes.length >= 2)
      useInspector.getState().setReverse({ pair: pairForTime(c.startSec, frameTimes).pair, patch: null });
  };
  const top = new Map(topKey ? topKey.split(',').map((t, i) => [Number(t), i + 1] as const) : []);
  const colour = (t: number) =>
    tintKey === 'off' || scale <= 0 ? undefined : cssColor(colormap, d.values[t]! / scale);
  useFocusClasses(ref, d.count, `${tintKey}|${topKey}`);
  return (
    <div
      ref={ref}
      className="transcript"
      aria-live="off"
      data-testid="transcript"
      tabIndex={0}
      role="group"
      aria-label="Transcript tokens — arrows move, Enter locks or unlocks, S selects the sentence, Escape clears"
      onMouseOver={(e) => {
        const t = tokenOf(e.target);
        if (t !== null) useInspector.getState().setHover(t);
      }}
      onMouseLeave={() => useInspector.getState().setHover(null)}
      onClick={(e) => {
        const t = tokenOf(e.target);
        const sel = window.getSelection();
        if (t !== null && (!sel || sel.isCollapsed)) useInspector.getState().toggleLock(t);
      }}
      onMouseUp={() => selectionToSpan(ref.current, d.count)}
      onKeyDown={(e) => onTranscriptKey(e, d, tokens)}
    >
      {d.sections.map((s, i) => {
        const last = i === d.sections.length - 1;
        const [from, to] = tokenRangeForChars(tokens.charStarts, d.count, d.text.length, s.start, s.end);
        const cites = d.citations.filter((c) => c.start >= s.start && c.end <= s.end);
        const frozen = s.closed && !last ? `${s.start}:${s.end}:${tintKey}:${topKey}:${cites.length}` : null;
        return (
          <SectionView
            key={i}
            frozen={frozen}
            kind={s.kind}
            start={s.start}
            end={s.end}
            closed={s.closed}
            caret={last && streaming}
            text={d.text}
            from={from}
            to={to}
            starts={tokens.charStarts}
            cites={cites}
            colour={colour}
            top={top}
            onChip={onChip}
            tintKey={tintKey}
            topKey={topKey}
            blocks={d.blocks}
          />
        );
      })}
    </div>
  );
}

interface SectionProps {
  /** Set for a closed, finished section: while it is unchanged the section does not re-render. */
  frozen: string | null;
  kind: 'think' | 'answer' | 'text';
  start: number;
  end: number;
  closed: boolean;
  caret: boolean;
  text: string;
  from: number;
  to: number;
  starts: Uint32Array;
  cites: TimeCitation[];
  colour: (t: number) => string | undefined;
  top: Map<number, number>;
  onChip: (c: TimeCitation) => void;
  tintKey: string;
  topKey: string;
  /** Start token of each layout block of the run. */
  blocks: readonly number[];
}

/** A section's tokens in the run's layout blocks (transcript-blocks.ts); closed blocks are frozen. Cited times that
 * cross a block boundary become one chip per block (both seek the same time). */
function chunked(p: SectionProps) {
  const out: React.ReactNode[] = [];
  const { blocks } = p;
  // The block holding p.from (binary search), then each block that starts inside the section.
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid]! <= p.from) lo = mid;
    else hi = mid - 1;
  }
  for (let k = lo; k < blocks.length && blocks[k]! < p.to; k++) {
    const a = Math.max(p.from, blocks[k]!);
    const b = Math.min(p.to, blocks[k + 1] ?? Infinity);
    const cs = a === p.from ? p.start : Math.max(p.start, p.starts[a]!);
    const ce = b === p.to ? p.end : Math.min(p.end, p.starts[b]!);
    const cites = p.cites
      .filter((x) => x.end > cs && x.start < ce)
      .map((x) => ({ ...x, start: Math.max(x.start, cs), end: Math.min(x.end, ce) }));
    const complete = k + 1 < blocks.length;
    const frozen = p.frozen ?? (complete ? `${cs}:${ce}:${p.tintKey}:${p.topKey}:${cites.length}` : null);
    out.push(<Chunk key={blocks[k]} {...p} frozen={frozen} from={a} to={b} start={cs} end={ce} cites={cites} />);
  }
  return out;
}

const Chunk = memo(
  function Chunk(p: SectionProps) {
    // Closed blocks are blocks; the open one stays inline so the caret follows its text.
    return <span className={p.frozen !== null ? 'tok-block' : 'tok-open'}>{renderPieces(p)}</span>;
  },
  (a, b) => a.frozen !== null && a.frozen === b.frozen,
);

const SectionView = memo(
  function SectionView(p: SectionProps) {
    const body = chunked(p);
    const caret = p.caret ? <span className="caret" aria-hidden /> : null;
    if (p.kind === 'text') {
      return (
        <span className="sec-text">
          {body}
          {caret}
        </span>
      );
    }
    return (
      <div className={`sec sec-${p.kind}`}>
        <div className="sec-label">
          {p.kind === 'think' ? 'Reasoning' : 'Answer'}
          {!p.closed && !p.caret ? <span className="muted"> (unclosed)</span> : null}
        </div>
        <div className="sec-body">
          {body}
          {caret}
        </div>
      </div>
    );
  },
  (a, b) => a.frozen !== null && a.frozen === b.frozen,
);

/** Token spans of a section, clipped to its content; cited times wrap their pieces in a chip button. */
function renderPieces(p: SectionProps) {
  const out: React.ReactNode[] = [];
  const tokenEnd = (t: number) => (t + 1 < p.starts.length ? p.starts[t + 1]! : p.text.length);
  const span = (t: number, a: number, b: number) => {
    const rank = p.top.get(t);
    return (
      <span
        key={`${t}:${a}`}
        data-t={t}
        className={rank ? 'tok tok-top' : 'tok'}
        data-rank={rank}
        style={tintStyle(p.colour(t))}
      >
        {p.text.slice(a, b)}
      </span>
    );
  };
  let ci = 0;
  let chip: React.ReactNode[] | null = null;
  for (let t = p.from; t < p.to; t++) {
    let a = Math.max(p.starts[t]!, p.start);
    const b = Math.min(tokenEnd(t), p.end);
    while (a < b) {
      const c = p.cites[ci];
      if (chip && c && a >= c.end) {
        out.push(chipButton(c, chip, p.onChip));
        chip = null;
        ci++;
        continue;
      }
      if (!chip && c && a >= c.start) chip = [];
      const stop = !c ? b : chip ? Math.min(b, c.end) : Math.min(b, c.start > a ? c.start : b);
      (chip ?? out).push(span(t, a, stop));
      a = stop;
    }
  }
  if (chip && p.cites[ci]) out.push(chipButton(p.cites[ci]!, chip, p.onChip));
  return out;
}

/** The tint is a colour band under the text, so the text keeps its contrast in both themes. */
const tintStyle = (c: string | undefined) =>
  c ? { backgroundImage: `linear-gradient(to top, ${c} 0, ${c} 0.32em, transparent 0.32em)` } : undefined;

function chipButton(c: TimeCitation, children: React.ReactNode[], onChip: (c: TimeCitation) => void) {
  const label =
    c.startSec === c.endSec ? formatClock(c.startSec, 1) : `${formatClock(c.startSec, 1)}–${formatClock(c.endSec, 1)}`;
  return (
    <button
      key={`chip-${c.start}`}
      type="button"
      className="time-link"
      data-sec={c.startSec}
      title={`Show ${label} in the player and its frame pair`}
      onClick={(e) => {
        e.stopPropagation();
        onChip(c);
      }}
    >
      {children}
    </button>
  );
}

function tokenOf(target: EventTarget | null): number | null {
  const el = (target as HTMLElement | null)?.closest?.('[data-t]');
  return el ? Number(el.getAttribute('data-t')) : null;
}

/** A mouse selection inside the transcript becomes a token span. */
function selectionToSpan(root: HTMLElement | null, count: number) {
  const sel = window.getSelection();
  if (!root || !sel || sel.isCollapsed || !root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return;
  const a = tokenOf(sel.anchorNode?.parentElement ?? null);
  const b = tokenOf(sel.focusNode?.parentElement ?? null);
  if (a === null || b === null) return;
  const from = Math.min(a, b);
  const to = Math.min(count, Math.max(a, b) + 1);
  if (to - from > 1) useInspector.getState().setSpan({ from, to, label: 'selection' });
}

function onTranscriptKey(e: React.KeyboardEvent, d: DerivedRun, tokens: RunTokens) {
  const v = useInspector.getState();
  const cur = v.lock ?? v.hover ?? -1;
  const move = (t: number) => {
    e.preventDefault();
    const n = Math.max(0, Math.min(d.count - 1, t));
    if (v.lock !== null) v.toggleLock(n);
    else v.setHover(n);
  };
  switch (e.key) {
    case 'ArrowRight':
      return move(cur + 1);
    case 'ArrowLeft':
      return move(cur < 0 ? d.count - 1 : cur - 1);
    case 'ArrowDown':
      return move(cur + 10);
    case 'ArrowUp':
      return move(cur - 10);
    case 'Home':
      return move(0);
    case 'End':
      return move(d.count - 1);
    case 'Enter':
    case ' ':
      e.preventDefault();
      if (cur >= 0) v.toggleLock(v.lock === cur ? null : cur);
      return;
    case 's':
    case 'S': {
      if (cur < 0) return;
      const s = sentenceAround(d.text, tokens.charStarts[cur]!, tokens.charEnd(cur));
      const [from, to] = tokenRangeForChars(tokens.charStarts, d.count, d.text.length, s.start, s.end);
      if (to > from) v.setSpan({ from, to, label: 'sentence' });
      return;
    }
    case 'Escape':
      v.toggleLock(null);
      v.setSpan(null);
      return;
  }
}

/**
 * Hover, lock and span are shown with classes set directly on the token spans (no re-render per pointer move). The
 * marked spans are remembered, so a change touches only them; a streamed token re-applies only when the focus
 * reaches the tokens that just arrived (a span growing with <think>).
 */
function useFocusClasses(ref: React.RefObject<HTMLDivElement | null>, count: number, renderKey: string) {
  const marked = useRef<Element[]>([]);
  const applied = useRef({ key: '', count: 0, renderKey: '' });
  useEffect(() => {
    const apply = (force: boolean) => {
      const root = ref.current;
      if (!root) return;
      const v = useInspector.getState();
      const range = focusRange(v);
      const key = `${v.span ? `s${v.span.from}-${v.span.to}` : ''}:${range?.join('-') ?? ''}:${v.lock}`;
      if (!force && key === applied.current.key) return;
      applied.current = { key, count, renderKey };
      for (const el of marked.current) el.classList.remove('tok-focus', 'tok-lock', 'tok-span');
      const next: Element[] = [];
      const mark = (t: number, cls: string) => {
        for (const el of root.querySelectorAll(`[data-t="${t}"]`)) {
          el.classList.add(cls);
          next.push(el);
        }
      };
      if (v.span) for (let t = v.span.from; t < Math.min(v.span.to, count); t++) mark(t, 'tok-span');
      else if (range) mark(range[0], v.lock !== null ? 'tok-lock' : 'tok-focus');
      marked.current = next;
    };
    const v = useInspector.getState();
    const range = focusRange(v);
    // New tokens (or re-rendered chunks) need the classes only when the focus reaches into the recent ones.
    const touches = range !== null && range[1] > applied.current.count - 64;
    // A changed tint or top-token set re-renders spans' class names, so everything is applied again then.
    apply(touches || applied.current.key === '' || applied.current.renderKey !== renderKey);
    return useInspector.subscribe(() => apply(false));
  }, [ref, count, renderKey]);
}

/** The frame times of the run shown (for mapping cited times to pairs). */
function useShownFrameTimes(): number[] | null {
  const runId = useShownRunId();
  const store = useApp((s) => s.runs);
  return runId ? (store.get(runId)?.meta.video?.frameTimes ?? null) : null;
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
  const reason =
    stopReason === 'eos'
      ? 'finished'
      : stopReason === 'max-tokens'
        ? 'stopped at the token limit'
        : stopReason === 'cancelled'
          ? 'stopped by you'
          : null;
  return (
    <div className="run-status muted" data-testid="run-status">
      {streaming ? <span className="live-dot" aria-label="streaming" /> : null}
      {parts.join(' · ')}
      {reason ? ` · ${reason}` : ''}
    </div>
  );
}
