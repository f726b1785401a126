// Per-head small multiples: one row per query head, one column per token, coloured by that head's video mass m_h(t)
// on the row's own scale (so a head that looks at the video only now and then still shows its pattern).
import { useRef } from 'react';
import { focusRange, useInspector } from '../../state/inspector-view';
import { cssVar, fitCanvas, useLiveDraw } from './hooks';
import { colormapTable } from './palette';
import { HeadBins } from '../../viz/head-bins';
import type { RunRecord } from '../../runs/run-record';

export function HeadMultiples({ runId, heads }: { runId: string; heads: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const bins = useRef<{ run: RunRecord; maxCols: number; bins: HeadBins } | null>(null);
  useLiveDraw(runId, (run) => {
    const c = ref.current;
    const t = run?.tokens;
    if (!c || !t || !t.shape.attention) return;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const { w, h, dpr } = fitCanvas(c);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = cssVar('--panel-2', '#1c2330');
    ctx.fillRect(0, 0, w, h);
    const n = t.count;
    const H = t.shape.heads;
    if (!n) return;
    // Bins of tokens (one column each, at most one per CSS pixel) are kept across draws: a draw reads only the
    // tokens that arrived since the last one, then colours ≤ width × heads cells.
    const maxCols = Math.max(1, Math.floor(w));
    const cur = bins.current;
    if (!cur || cur.run !== run || cur.bins.heads !== H || cur.maxCols !== maxCols)
      bins.current = { run, maxCols, bins: new HeadBins(H) };
    const b = bins.current!.bins.update(t.headMass, n, maxCols);
    const v = useInspector.getState();
    const lut = colormapTable(v.colormap);
    const cols = b.columns;
    const rowH = h / H;
    const img = ctx.createImageData(cols, H);
    for (let k = 0; k < H; k++) {
      const max = b.rowMax[k]!;
      for (let x = 0; x < cols; x++) {
        const q = 4 * Math.round(255 * (max > 0 ? b.bins[x * H + k]! / max : 0));
        const o = 4 * (k * cols + x);
        img.data[o] = lut[q]!;
        img.data[o + 1] = lut[q + 1]!;
        img.data[o + 2] = lut[q + 2]!;
        img.data[o + 3] = 255;
      }
    }
    const off = new OffscreenCanvas(cols, H);
    off.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    // The last bin may be partly filled: columns span cols · binSize tokens on the token axis x = t / n · w.
    ctx.drawImage(off, 0, 0, (w * cols * b.binSize) / n, h);
    const range = focusRange(v);
    if (range) {
      ctx.strokeStyle = cssVar('--text', '#e6e9ef');
      const x0 = (range[0] / n) * w;
      const x1 = Math.max(x0 + 2, (range[1] / n) * w);
      ctx.strokeRect(x0 + 0.5, 0.5, x1 - x0 - 1, h - 1);
    }
    ctx.fillStyle = cssVar('--text', '#e6e9ef');
    ctx.font = '10px ui-monospace, monospace';
    if (rowH >= 9) for (let k = 0; k < H; k++) ctx.fillText(`h${k}`, 2, k * rowH + Math.min(rowH - 1, 9));
  });
  return (
    <figure className="head-multiples">
      <canvas
        ref={ref}
        style={{ height: Math.max(28, Math.min(140, heads * 6)) }}
        role="img"
        aria-label={`Video mass of each of the ${heads} heads over the tokens`}
      />
      <figcaption className="muted small">
        Per-head video mass over tokens (each row on its own scale; the box marks the focus).
      </figcaption>
    </figure>
  );
}
