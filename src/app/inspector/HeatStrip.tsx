// The tokens under focus as a heat strip over the video's time: one cell per frame pair, from the pair's first
// frame to the next pair's, coloured by the pair's attention mass. Click or arrow keys + Enter pick a pair for the
// reverse view (and seek the player there).
import { useRef, useState } from 'react';
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import { formatClock } from '../../lib/format';
import { derive } from './run-derived';
import { focusProfile } from './focus';
import { cssVar, fitCanvas, useLiveDraw } from './hooks';
import { colormapTable } from './palette';
import { formatShare } from './scale';
import type { RunRecord } from '../../runs/run-record';

/** Cell boundaries in seconds: pair g covers [start_g, start_{g+1}), the last to the end of the video. */
function cellEdges(run: RunRecord): number[] | null {
  const v = run.meta.video;
  if (!v || v.frameTimes.length < 2) return null;
  const pairs = v.grid.t;
  const edges: number[] = [];
  for (let g = 0; g < pairs; g++) edges.push(v.frameTimes[2 * g] ?? v.frameTimes.at(-1)!);
  const lastEnd = v.frameTimes[2 * pairs - 1] ?? v.frameTimes.at(-1)!;
  edges.push(
    Math.max(lastEnd + (pairs > 1 ? (edges[pairs - 1]! - edges[0]!) / (pairs - 1) / 2 : 1), v.durationSeconds),
  );
  return edges;
}

export function HeatStrip({ runId }: { runId: string | null }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useApp((s) => s.runs);
  const seekVideo = useApp((s) => s.seekVideo);
  const [cursor, setCursor] = useState(0);
  const [label, setLabel] = useState('');
  useLiveDraw(
    runId,
    (run) => {
      const c = ref.current;
      if (!c || !run) return;
      const ctx = c.getContext('2d');
      const edges = cellEdges(run);
      if (!ctx || !edges) return;
      const { w, h, dpr } = fitCanvas(c);
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
      const v = useInspector.getState();
      const d = derive(run, v.heads, v.sinkCorrected);
      const f = focusProfile(run, d, v);
      const t0 = 0;
      const t1 = edges.at(-1)!;
      const x = (s: number) => ((s - t0) / (t1 - t0)) * w;
      const lut = colormapTable(v.colormap);
      ctx.fillStyle = cssVar('--panel-2', '#1c2330');
      ctx.fillRect(0, 0, w, h);
      let best = -1;
      for (let g = 0; g + 1 < edges.length; g++) {
        const a = x(edges[g]!);
        const b = x(edges[g + 1]!);
        if (f) {
          const k = 4 * Math.round(255 * f.shown[g]!);
          ctx.fillStyle = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
          ctx.fillRect(a, 0, Math.max(1, b - a - 1), h);
          if (best < 0 || f.raw[g]! > f.raw[best]!) best = g;
        }
      }
      // Pair boundaries and the reverse-view pair.
      ctx.strokeStyle = cssVar('--line', '#2a3342');
      for (let g = 1; g + 1 < edges.length; g++) {
        ctx.beginPath();
        ctx.moveTo(Math.round(x(edges[g]!)) + 0.5, 0);
        ctx.lineTo(Math.round(x(edges[g]!)) + 0.5, h);
        ctx.stroke();
      }
      const rev = v.reverse?.pair;
      if (rev !== undefined && rev + 1 < edges.length) {
        ctx.strokeStyle = cssVar('--accent-2', '#fde725');
        ctx.lineWidth = 2;
        ctx.strokeRect(x(edges[rev]!) + 1, 1, x(edges[rev + 1]!) - x(edges[rev]!) - 2, h - 2);
        ctx.lineWidth = 1;
      }
      if (document.activeElement === c) {
        const g = Math.min(cursor, edges.length - 2);
        ctx.setLineDash([3, 2]);
        ctx.strokeStyle = cssVar('--text', '#e6e9ef');
        ctx.strokeRect(x(edges[g]!) + 2.5, 2.5, x(edges[g + 1]!) - x(edges[g]!) - 5, h - 5);
        ctx.setLineDash([]);
      }
      c.dataset.argmax = f ? String(best) : '';
      c.dataset.focus = f ? `${f.from}-${f.to}` : '';
      const text = f
        ? `Frame pair ${cursor + 1} of ${edges.length - 1} (${formatClock(edges[cursor] ?? 0, 1)}): ${formatShare(f.raw[cursor] ?? NaN)} of the attention of ${f.to - f.from === 1 ? `token ${f.from}` : `tokens ${f.from}–${f.to - 1}`}; strongest pair ${best + 1}.`
        : `Frame pair ${cursor + 1} of ${edges.length - 1}. Hover or lock a token to see where it looks.`;
      if (text !== label) setLabel(text);
    },
    [cursor],
  );

  const pick = (g: number) => {
    const run = runId ? store.get(runId) : null;
    const edges = run ? cellEdges(run) : null;
    if (!edges) return;
    setCursor(g);
    useInspector.getState().setReverse({ pair: g, patch: null });
    seekVideo(edges[g]!);
  };
  const pairAt = (clientX: number): number | null => {
    const c = ref.current;
    const run = runId ? store.get(runId) : null;
    const edges = run ? cellEdges(run) : null;
    if (!c || !edges) return null;
    const r = c.getBoundingClientRect();
    const s = ((clientX - r.left) / r.width) * edges.at(-1)!;
    for (let g = 0; g + 1 < edges.length; g++) if (s < edges[g + 1]!) return g;
    return edges.length - 2;
  };
  return (
    <div className="heat-strip">
      <canvas
        ref={ref}
        data-testid="heat-strip"
        tabIndex={0}
        role="slider"
        aria-label="Attention per frame pair over the video’s time — arrows move, Enter shows the tokens that looked at the pair"
        aria-valuemin={1}
        aria-valuenow={cursor + 1}
        aria-valuetext={label}
        title={label}
        onMouseMove={(e) => {
          const g = pairAt(e.clientX);
          if (g !== null && g !== cursor) setCursor(g);
        }}
        onClick={(e) => {
          const g = pairAt(e.clientX);
          if (g !== null) pick(g);
        }}
        onFocus={() => setCursor((g) => g)}
        onKeyDown={(e) => {
          const run = runId ? store.get(runId) : null;
          const pairs = run?.meta.video?.grid.t ?? 0;
          if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
            e.preventDefault();
            setCursor((g) => Math.max(0, Math.min(pairs - 1, g + (e.key === 'ArrowRight' ? 1 : -1))));
          } else if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            pick(cursor);
          } else if (e.key === 'Escape') useInspector.getState().setReverse(null);
        }}
      />
      <div className="heat-strip-label muted" aria-hidden>
        {label}
      </div>
    </div>
  );
}
