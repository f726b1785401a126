// How the attention views find their run and redraw: canvases subscribe to the run store and the view store and
// draw in requestAnimationFrame, so a streamed token costs a redraw, never a React render of the canvas owner.
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import { useRunList } from '../../runs/use-runs';
import type { RunRecord } from '../../runs/run-record';

/** The run the views show: the selected one, else the newest. */
export function useShownRunId(): string | null {
  const store = useApp((s) => s.runs);
  const selected = useApp((s) => s.runView.selected);
  const list = useRunList(store);
  if (selected && list.some((r) => r.id === selected)) return selected;
  return list.at(-1)?.id ?? null;
}

/**
 * Calls `draw(run)` in an animation frame whenever the run or the view state changes (at most once per frame).
 * `draw` is read through a ref, so callers may pass a fresh closure on every render.
 */
export function useLiveDraw(
  runId: string | null,
  draw: (run: RunRecord | null) => void,
  extraDeps: readonly unknown[] = [],
): void {
  const store = useApp((s) => s.runs);
  const drawRef = useRef(draw);
  useEffect(() => {
    drawRef.current = draw;
  });
  useEffect(() => {
    let raf = 0;
    const schedule = () => {
      if (raf) return;
      raf = requestAnimationFrame(() => {
        raf = 0;
        drawRef.current(runId ? (store.get(runId) ?? null) : null);
      });
    };
    schedule();
    const offRun = runId ? store.subscribeRun(runId, schedule) : () => undefined;
    const offView = useInspector.subscribe(schedule);
    return () => {
      offRun();
      offView();
      cancelAnimationFrame(raf);
    };
    // extraDeps: props the drawing depends on beyond the stores (sizes, frames).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, runId, ...extraDeps]);
}

/** Size a canvas's backing store to its CSS box × devicePixelRatio; returns the CSS size. */
export function fitCanvas(c: HTMLCanvasElement): { w: number; h: number; dpr: number } {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const w = c.clientWidth;
  const h = c.clientHeight;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  return { w, h, dpr };
}

/**
 * A colour variable resolved to rgb() for canvas drawing. Custom properties read back unresolved (a theme's
 * light-dark(…) pair), so a hidden probe element resolves it under the current colour scheme.
 */
export function cssVar(name: string, fallback: string): string {
  let probe = document.getElementById('css-var-probe');
  if (!probe) {
    probe = document.createElement('span');
    probe.id = 'css-var-probe';
    probe.style.display = 'none';
    document.body.append(probe);
  }
  probe.style.color = fallback;
  probe.style.color = `var(${name}, ${fallback})`;
  return getComputedStyle(probe).color || fallback;
}

/**
 * The run's version, updated at most every `ms` (with a trailing update, so the final state always shows): for
 * views whose numbers need not move at frame rate (summary statistics) while tokens stream.
 */
export function useThrottledRunVersion(runId: string | null, ms = 250): number {
  const store = useApp((s) => s.runs);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!runId) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const fire = () => {
      timer = null;
      last = performance.now();
      setVersion(store.get(runId)?.version ?? -1);
    };
    fire();
    const off = store.subscribeRun(runId, () => {
      if (timer) return;
      timer = setTimeout(fire, Math.max(0, ms - (performance.now() - last)));
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [store, runId, ms]);
  return version;
}
