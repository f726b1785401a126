// One frame pair's spatial map for the tokens under focus: a canvas of the merged grid (one pixel per 28 × 28 px
// cell of both frames), scaled up by CSS without smoothing, so every drawn cell is one video token.
import { useRef } from 'react';
import { useInspector } from '../../state/inspector-view';
import { derive } from './run-derived';
import { focusMap } from './focus';
import { frameStamp, requestLiveRedraw, useLiveDraw } from './hooks';
import { colormapTable } from './palette';

export function MapCanvas({
  runId,
  pair,
  className,
  onPatch,
}: {
  runId: string | null;
  pair: number;
  className?: string;
  onPatch?: (row: number, col: number) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLiveDraw(
    runId,
    (run) => {
      const c = ref.current;
      if (!c) return;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      const v = useInspector.getState();
      const d = run ? derive(run, v.heads, v.sinkCorrected) : null;
      const map = run && d ? focusMap(run, d, v, pair, frameStamp()) : null;
      // A long span is filled over several frames: draw what is in and come back next frame.
      if (map && !map.complete) requestLiveRedraw();
      if (!map || !d?.grid) {
        ctx.clearRect(0, 0, c.width, c.height);
        c.removeAttribute('data-argmax');
        return;
      }
      const { rows, cols } = d.grid;
      if (c.width !== cols || c.height !== rows) {
        c.width = cols;
        c.height = rows;
      }
      const img = ctx.createImageData(cols, rows);
      const lut = colormapTable(v.colormap);
      let best = 0;
      for (let i = 0; i < map.shown.length; i++) {
        const k = 4 * Math.round(255 * map.shown[i]!);
        img.data[4 * i] = lut[k]!;
        img.data[4 * i + 1] = lut[k + 1]!;
        img.data[4 * i + 2] = lut[k + 2]!;
        img.data[4 * i + 3] = 255;
        if (map.raw[i]! > map.raw[best]!) best = i;
      }
      ctx.putImageData(img, 0, 0);
      // For tests and screen readers: the strongest cell as "row,col".
      c.dataset.argmax = `${Math.floor(best / cols)},${best % cols}`;
    },
    [pair],
  );
  return (
    <canvas
      ref={ref}
      className={className ?? 'map-canvas'}
      data-pair={pair}
      onClick={(e) => {
        if (!onPatch) return;
        const c = e.currentTarget;
        const r = c.getBoundingClientRect();
        if (!c.width || !c.height) return;
        e.stopPropagation();
        onPatch(
          Math.min(c.height - 1, Math.floor(((e.clientY - r.top) / r.height) * c.height)),
          Math.min(c.width - 1, Math.floor(((e.clientX - r.left) / r.width) * c.width)),
        );
      }}
    />
  );
}
