// Per-head small multiples: one row per query head, one column per token, coloured by that head's video mass m_h(t)
// on the row's own scale (so a head that looks at the video only now and then still shows its pattern).
import { useRef } from 'react';
import { useInspector } from '../../state/inspector-view';
import { focusRange } from '../../state/inspector-view';
import { cssVar, fitCanvas, useLiveDraw } from './hooks';
import { colormapTable } from './palette';

export function HeadMultiples({ runId, heads }: { runId: string; heads: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
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
    const m = t.headMass;
    const max = new Float32Array(H);
    for (let i = 0; i < n; i++) for (let k = 0; k < H; k++) max[k] = Math.max(max[k]!, m[i * H + k]!);
    const v = useInspector.getState();
    const lut = colormapTable(v.colormap);
    // One column per token, or tokens binned into the canvas width (the max of each bin) for long runs.
    const cols = Math.min(n, Math.floor(w));
    const rowH = h / H;
    const img = ctx.createImageData(cols, H);
    for (let k = 0; k < H; k++) {
      for (let x = 0; x < cols; x++) {
        const a = Math.floor((x * n) / cols);
        const b = Math.max(a + 1, Math.floor(((x + 1) * n) / cols));
        let val = 0;
        for (let i = a; i < b; i++) val = Math.max(val, m[i * H + k]!);
        const q = 4 * Math.round(255 * (max[k]! > 0 ? val / max[k]! : 0));
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
    ctx.drawImage(off, 0, 0, w, h);
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
