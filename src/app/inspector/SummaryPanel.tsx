// The run at a glance: VAS-attn for the token selection, Figure-1 box plots per section, temporal spread, the check
// of every cited time and the rule-based TAC check — with the caveats that keep the reading honest.
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import { useRunList } from '../../runs/use-runs';
import type { RunRecord } from '../../runs/run-record';
import type { TokenSelection } from '../../viz/attention';
import { useShownRunId, useThrottledRunVersion } from './hooks';
import { BoxPlot } from './BoxPlot';
import { summarise } from './summary-data';
import { formatShare } from './scale';
import { tokenRangeForChars } from '../../viz/spans';

const SELECTIONS: { value: TokenSelection; label: string }[] = [
  { value: 'think', label: '<think>' },
  { value: 'answer', label: '<answer>' },
  { value: 'all', label: 'all tokens' },
];

export function SummaryPanel() {
  const runId = useShownRunId();
  const store = useApp((s) => s.runs);
  useRunList(store);
  useThrottledRunVersion(runId);
  const run = runId ? (store.get(runId) ?? null) : null;
  if (!run?.tokens?.shape.attention || !run.meta.video) return null;
  return <Summary run={run} />;
}

function Summary({ run }: { run: RunRecord }) {
  const heads = useInspector((s) => s.heads);
  const sink = useInspector((s) => s.sinkCorrected);
  const selection = useInspector((s) => s.selection);
  const setControls = useInspector((s) => s.setControls);
  const seekVideo = useApp((s) => s.seekVideo);
  const s = summarise(run, heads, sink, selection);
  const what = `${heads.kind === 'mean' ? 'head mean' : heads.kind === 'max' ? 'head max' : `mean of heads ${heads.kind === 'subset' ? heads.heads.join(', ') : ''}`}${sink ? ', sink-corrected' : ''}`;
  return (
    <section className="panel summary-panel" aria-label="Summary">
      <div className="panel-head">
        <h2>Summary</h2>
        <span className="muted small">{run.meta.label}</span>
      </div>
      <div className="summary-top">
        <div className="summary-stats">
          <fieldset className="row selection-pick">
            <legend className="small muted">Tokens</legend>
            {SELECTIONS.map((o) => (
              <label key={o.value} className="field check">
                <input
                  type="radio"
                  name="vas-selection"
                  checked={selection === o.value}
                  onChange={() => setControls({ selection: o.value })}
                />
                <span>{o.label}</span>
              </label>
            ))}
          </fieldset>
          <div className="big-stat" data-testid="run-vas">
            <span className="stat-label">VAS-attn</span>
            <span className="big-value">{formatShare(s.vas.mean)}</span>
            <span className="muted small">
              mean video attention of {s.vas.count} {selection === 'all' ? '' : `${selection} `}tokens ({what})
            </span>
          </div>
          <div className="big-stat" data-testid="run-spread">
            <span className="stat-label">Temporal spread</span>
            <span className="big-value">{Number.isFinite(s.spread.mean) ? s.spread.mean.toFixed(1) : '—'}</span>
            <span className="muted small">
              effective frame pairs (of {s.spread.pairs}) a token spreads over: exp(entropy), mean over the same tokens
            </span>
          </div>
        </div>
        <BoxPlot
          title="Token-wise attention to video tokens"
          testId="summary-boxplot"
          groups={[
            { label: 'think', stats: s.think, color: 'var(--think)' },
            { label: 'answer', stats: s.answer, color: 'var(--answer)' },
            ...(s.think || s.answer ? [] : [{ label: 'all', stats: s.all, color: 'var(--accent)' }]),
          ]}
        />
      </div>
      <div className="citations" data-testid="citation-checks">
        <h3 className="small">Cited times</h3>
        {s.cited.length === 0 ? (
          <p className="muted small">No cited times yet.</p>
        ) : (
          <ul>
            {s.cited.map((c) => (
              <li key={c.citation.start}>
                <button
                  type="button"
                  className="small-btn"
                  onClick={() => {
                    seekVideo(c.citation.startSec);
                    useInspector.getState().setReverse({ pair: c.placement.pair, patch: null });
                  }}
                >
                  {c.citation.text}
                </button>{' '}
                → pair {c.pairs[0] + 1}
                {c.pairs[1] !== c.pairs[0] ? `–${c.pairs[1] + 1}` : ''}
                {c.placement.placement !== 'inside' ? (
                  <span className="muted">
                    {' '}
                    ({c.placement.placement} the sampled frames’ pairs, {c.placement.distance.toFixed(1)} s away)
                  </span>
                ) : null}
                {c.check ? (
                  <span className={c.check.share > c.check.uniformShare ? 'cite-ok' : 'cite-weak'}>
                    {' '}
                    · its sentence puts {formatShare(c.check.share)} of its video attention within ±
                    {c.check.deltaSec.toFixed(1)} s (flat: {formatShare(c.check.uniformShare)})
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </div>
      <Tac run={run} tac={s.tac} />
      <p className="muted small honest">
        Attention is descriptive, not causal: it shows where the last layer read, not why the model answered. The first
        tokens soak up attention (“sinks”) — compare the sink-corrected view. Last-layer attention to video tokens is
        typically low even when earlier layers used the video. VAS-attn here is the paper’s Figure-1 measure, not the
        judge-scored VAS of its tables.
      </p>
    </section>
  );
}

function Tac({ run, tac }: { run: RunRecord; tac: ReturnType<typeof summarise>['tac'] }) {
  const text = run.tokens?.text ?? '';
  const setSpan = useInspector((s) => s.setSpan);
  const quote = (side: NonNullable<typeof tac.think>, label: string) => {
    const a = Math.max(0, side.start - 40);
    const b = Math.min(text.length, side.end + 20);
    const t = run.tokens!;
    const [from, to] = tokenRangeForChars(t.charStarts, t.count, text.length, side.start, side.end);
    return (
      <blockquote className={`tac-quote tac-${label}`}>
        <span className="muted small">
          {label === 'think' ? '<think> concludes' : '<answer>'} · rule “{side.rule}”{' '}
        </span>
        <button
          type="button"
          className="small-btn"
          disabled={to <= from}
          onClick={() => setSpan({ from, to, label: `TAC ${label} span` })}
        >
          show where it looks
        </button>
        <div>
          {a > 0 ? '…' : ''}
          {text.slice(a, side.start)}
          <mark>{text.slice(side.start, side.end)}</mark>
          {text.slice(side.end, b)}
          {b < text.length ? '…' : ''}
        </div>
      </blockquote>
    );
  };
  const status = {
    match: 'consistent',
    mismatch: 'MISMATCH',
    'no-conclusion': 'no conclusion in <think>',
    'no-answer': 'no comparable answer',
    undecided: 'undecided',
  }[tac.status];
  return (
    <div className={`tac tac-status-${tac.status}`} data-testid="tac-check" data-status={tac.status}>
      <h3 className="small">
        TAC check (rule-based): <strong>{status}</strong>
      </h3>
      <p className="small">{tac.explanation}</p>
      {tac.think ? quote(tac.think, 'think') : null}
      {tac.answer ? quote(tac.answer, 'answer') : null}
    </div>
  );
}
