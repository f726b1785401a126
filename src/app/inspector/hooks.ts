// How the attention views find their run and redraw: canvases subscribe to the run store and the view store and
// draw in requestAnimationFrame, so a streamed token costs a redraw, never a React render of the canvas owner.
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/store';
import { useInspector } from '../../state/inspector-view';
import { useRunList } from '../../runs/use-runs';
import type { RunRecord } from '../../runs/run-record';

/** Redraw requests of the live canvases (a canvas changed size, or a drawing asked for another frame). */
const redraws = new Set<() => void>();

/** Asks every live canvas to draw again in the next animation frame (work spread over frames). */
export function requestLiveRedraw(): void {
  for (const fn of redraws) fn();
}

/** The current animation frame's timestamp: the same for every canvas drawn in one frame. */
export const frameStamp = (): number => Number(document.timeline?.currentTime ?? performance.now());

/** The run the views show: the selected one, else the newest. */
export function useShownRunId(): string | null {
  const store = useApp((s) => s.runs);
  const selected = useApp((s) => s.runView.selected);
  const list = useRunList(store);
  if (selected && list.some((r) => r.id === selected)) return selected;
  return list.at(-1)?.id ?? null;
}

/** The shown run itself; the caller re-renders when the run list changes, not on every streamed token. */
export function useShownRun(): RunRecord | null {
  const store = useApp((s) => s.runs);
  useRunList(store);
  const runId = useShownRunId();
  return runId ? (store.get(runId) ?? null) : null;
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
    redraws.add(schedule);
    return () => {
      offRun();
      offView();
      redraws.delete(schedule);
      cancelAnimationFrame(raf);
    };
    // extraDeps: props the drawing depends on beyond the stores (sizes, frames).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, runId, ...extraDeps]);
}

// Canvas CSS sizes come from a ResizeObserver, not from clientWidth: reading layout in a draw forces a synchronous
// layout of the whole page after every streamed token.
const cssSizes = new WeakMap<Element, { w: number; h: number }>();
let sizeObserver: ResizeObserver | null = null;
function observedSize(c: HTMLCanvasElement): { w: number; h: number } {
  const known = cssSizes.get(c);
  if (known) return known;
  sizeObserver ??= new ResizeObserver((entries) => {
    for (const e of entries) {
      const box = e.contentBoxSize[0];
      cssSizes.set(
        e.target,
        box ? { w: box.inlineSize, h: box.blockSize } : { w: e.contentRect.width, h: e.contentRect.height },
      );
    }
    requestLiveRedraw();
  });
  sizeObserver.observe(c);
  const size = { w: c.clientWidth, h: c.clientHeight };
  cssSizes.set(c, size);
  return size;
}

/** Size a canvas's backing store to its CSS box × devicePixelRatio; returns the CSS size. */
export function fitCanvas(c: HTMLCanvasElement): { w: number; h: number; dpr: number } {
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  const { w, h } = observedSize(c);
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  return { w, h, dpr };
}

/**
 * A colour variable resolved to rgb() for canvas drawing. Custom properties read back unresolved (a theme's
 * light-dark(…) pair), so a hidden probe element resolves it under the current colour scheme. Resolving forces a
 * style recalculation, so results are cached until the theme changes (`data-theme` on <html> or the system scheme).
 */
const resolved = new Map<string, string>();
let themeWatch = false;
export function cssVar(name: string, fallback: string): string {
  const key = `${name}|${fallback}`;
  const hit = resolved.get(key);
  if (hit) return hit;
  if (!themeWatch) {
    themeWatch = true;
    const clear = () => resolved.clear();
    new MutationObserver(clear).observe(document.documentElement, { attributes: true });
    window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', clear);
  }
  let probe = document.getElementById('css-var-probe');
  if (!probe) {
    probe = document.createElement('span');
    probe.id = 'css-var-probe';
    probe.style.display = 'none';
    document.body.append(probe);
  }
  probe.style.color = fallback;
  probe.style.color = `var(${name}, ${fallback})`;
  const colour = getComputedStyle(probe).color || fallback;
  resolved.set(key, colour);
  return colour;
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
