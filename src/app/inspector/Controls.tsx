// Display controls (heads, sink correction, normalisation, colormap, tint), the colour legend with its units, and
// the focused token's "video vs text" split.
import { focusRange, useInspector, type ColormapName } from '../../state/inspector-view';
import { useStoreRun } from '../use-store-run';
import type { RunRecord } from '../../runs/run-record';
import { SEGMENTS } from '../../viz/segments';
import type { Normalisation } from '../../viz/segments';
import { spanMean } from '../../viz/attention';
import { derive } from './run-derived';
import { focusProfile } from './focus';
import { legendFor } from '../../viz/colormaps';
import { formatShare } from './scale';

const NORMALISATIONS: { value: Normalisation; label: string }[] = [
  { value: 'global', label: 'global (whole run)' },
  { value: 'token', label: 'per token' },
  { value: 'pair', label: 'per frame pair' },
];

export function Controls({ heads }: { heads: number }) {
  const v = useInspector();
  const subset = v.heads.kind === 'subset' ? v.heads.heads : [];
  return (
    <div className="controls" role="group" aria-label="Attention display settings">
      <label
        className="field"
        title="The tap records one head-mean row per token: spatial maps, heat strips and the reverse view are always the head mean; this setting applies to the per-head video mass (transcript tint, Summary, box plots, Compare)."
      >
        <span>Heads (video mass only)</span>
        <select
          value={v.heads.kind}
          onChange={(e) =>
            v.setControls({
              heads:
                e.target.value === 'subset'
                  ? { kind: 'subset', heads: subset.length ? subset : [0] }
                  : { kind: e.target.value as 'mean' | 'max' },
            })
          }
        >
          <option value="mean">mean (VAS-attn)</option>
          <option value="max">max</option>
          <option value="subset">chosen subset</option>
        </select>
      </label>
      {v.heads.kind === 'subset' ? (
        <fieldset className="head-picks">
          <legend className="sr-only">Heads in the subset</legend>
          {Array.from({ length: heads }, (_, h) => (
            <label key={h} className="head-pick">
              <input
                type="checkbox"
                checked={subset.includes(h)}
                onChange={(e) => {
                  const next = e.target.checked ? [...subset, h].sort((a, b) => a - b) : subset.filter((x) => x !== h);
                  if (next.length) v.setControls({ heads: { kind: 'subset', heads: next } });
                }}
              />
              {h}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label className="field">
        <span>Normalisation</span>
        <select
          value={v.normalisation}
          onChange={(e) => v.setControls({ normalisation: e.target.value as Normalisation })}
        >
          {NORMALISATIONS.map((n) => (
            <option key={n.value} value={n.value}>
              {n.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Colormap</span>
        <select value={v.colormap} onChange={(e) => v.setControls({ colormap: e.target.value as ColormapName })}>
          <option value="viridis">viridis</option>
          <option value="cividis">cividis</option>
          <option value="magma">magma</option>
        </select>
      </label>
      <label className="field check">
        <input
          type="checkbox"
          checked={v.sinkCorrected}
          onChange={(e) => v.setControls({ sinkCorrected: e.target.checked })}
        />
        <span title="video ÷ (1 − sink − system): removes the mass the first and template tokens soak up">
          Sink-corrected
        </span>
      </label>
      <label className="field check">
        <input type="checkbox" checked={v.tint} onChange={(e) => v.setControls({ tint: e.target.checked })} />
        <span>Tint tokens by video attention</span>
      </label>
    </div>
  );
}

export function Legend({ run }: { run: RunRecord }) {
  useStoreRun(run.id);
  const v = useInspector();
  const d = derive(run, v.heads, v.sinkCorrected);
  const f = focusProfile(run, d, v);
  const legend = legendFor({
    colormap: v.colormap,
    quantity: 'pair',
    normalisation: v.normalisation,
    scaleMax: f && Number.isFinite(f.divisor) ? f.divisor : (d.maxima?.profileGlobal ?? 0),
    sinkCorrected: v.sinkCorrected,
  });
  const layer = run.meta.tap ? `layer ${run.meta.tap.layer}` : 'no tap';
  return (
    <div className="legend" data-testid="legend">
      <div className="legend-bar" style={{ backgroundImage: legend.gradient }} aria-hidden />
      <div className="legend-scale">
        {legend.ticks.map((t) => (
          <span key={t.at}>{t.label}</span>
        ))}
      </div>
      <p className="muted small">
        {legend.title}, {legend.unit}; tapped {layer}. Scale: {legend.scale}. Maps and strips are head means (the tap
        records the head-mean row); the head setting applies to video mass (tint, summary).
      </p>
    </div>
  );
}

const SEGMENT_LABEL: Record<(typeof SEGMENTS)[number], string> = {
  sink: 'sink (first token)',
  system: 'system + template',
  video: 'video',
  question: 'question',
  generated: 'generated so far',
};

/** Where the focused token's attention goes: the five context segments as one stacked bar. */
export function SegmentBar({ run }: { run: RunRecord }) {
  useStoreRun(run.id);
  const hover = useInspector((s) => s.hover);
  const lock = useInspector((s) => s.lock);
  const span = useInspector((s) => s.span);
  const range = focusRange({ hover, lock, span });
  const t = run.tokens;
  if (!t || !t.shape.attention || !range || range[1] > t.count) {
    return (
      <div className="segment-bar-box">
        <div className="segment-bar empty" aria-hidden />
        <p className="muted small">Video vs text: hover a token.</p>
      </div>
    );
  }
  const mean = spanMean(t.segmentMass, SEGMENTS.length, range[0], range[1]);
  const total = mean.reduce((a, b) => a + b, 0) || 1;
  return (
    <div className="segment-bar-box" data-testid="segment-bar">
      <div
        className="segment-bar"
        role="img"
        aria-label={SEGMENTS.map((s, i) => `${SEGMENT_LABEL[s]} ${formatShare(mean[i]!)}`).join(', ')}
      >
        {SEGMENTS.map((s, i) => (
          <span key={s} className={`seg seg-${s}`} style={{ width: `${(100 * mean[i]!) / total}%` }} />
        ))}
      </div>
      <div className="segment-keys small">
        {SEGMENTS.map((s, i) => (
          <span key={s} className="seg-key">
            <span className={`seg-swatch seg-${s}`} aria-hidden />
            {SEGMENT_LABEL[s]} {formatShare(mean[i]!)}
          </span>
        ))}
      </div>
    </div>
  );
}
