// The sampled frames exactly as the model sees them (after resize), with their times; pairs are grouped
// because two consecutive frames form one temporal patch (one "frame pair" in the attention views).
// Times: each thumbnail shows and seeks to the frame's real presentation time. Video-R2 times frames by
// index ÷ average fps (`referenceTime`); on variable-frame-rate video the two differ, and the thumbnail says so.
// Keyboard: the strip is one tab stop (roving tabindex); arrow keys move between frames, Home/End jump.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { formatClock } from '../lib/format';

export interface StripFrame {
  ordinal: number;
  sourceIndex: number;
  /** index ÷ average fps: the time Video-R2 assigns the frame. */
  referenceTime: number;
  /** The frame's own presentation time. */
  presentationTime: number;
  bitmap: ImageBitmap;
}

/**
 * More than half a frame apart: the model's time for this frame is not where it is shown. Measured from the first
 * frame (`startTime`), so a file whose frames simply start late (an fMP4 at 66.7 ms) is not called different.
 */
export function timesDiffer(
  f: Pick<StripFrame, 'referenceTime' | 'presentationTime'>,
  averageFps: number,
  startTime = 0,
): boolean {
  return Math.abs(f.presentationTime - startTime - f.referenceTime) > 0.5 / averageFps;
}

/**
 * The box of a thumbnail showing a width × height frame: the frame's own shape (portrait stays portrait), narrow
 * ones taller so the time fits. Placeholders of frames still to come get the same box, so nothing moves on arrival.
 */
export function thumbBox(width: number, height: number): { aspectRatio: string; height: number } {
  const aspect = Math.min(3, Math.max(1 / 3, width / height));
  return { aspectRatio: String(aspect), height: Math.min(120, Math.max(60, 56 / aspect)) };
}

function Thumb({
  frame,
  averageFps,
  startTime,
  tabbable,
  onSeek,
  onFocus,
  overlay,
}: {
  frame: StripFrame;
  averageFps: number;
  startTime: number;
  tabbable: boolean;
  onSeek: (t: number) => void;
  onFocus: () => void;
  overlay?: ReactNode;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = frame.bitmap.width;
    c.height = frame.bitmap.height;
    c.getContext('2d')?.drawImage(frame.bitmap, 0, 0);
  }, [frame.bitmap]);
  const shown = formatClock(frame.presentationTime, 2);
  const differs = timesDiffer(frame, averageFps, startTime);
  const title = `Frame ${frame.sourceIndex} at ${shown}${differs ? ` (Video-R2 times it at ${formatClock(frame.referenceTime, 2)}: frame index ÷ average fps)` : ''} — show in player`;
  return (
    <button
      type="button"
      className={differs ? 'thumb times-differ' : 'thumb'}
      style={thumbBox(frame.bitmap.width, frame.bitmap.height)}
      tabIndex={tabbable ? 0 : -1}
      data-ordinal={frame.ordinal}
      onFocus={onFocus}
      onClick={() => onSeek(frame.presentationTime)}
      title={title}
    >
      <canvas ref={ref} aria-label={`sampled frame ${frame.ordinal + 1}`} />
      {overlay}
      <span className="thumb-time">
        {shown}
        {differs ? <span aria-hidden> ≠</span> : null}
      </span>
    </button>
  );
}

/** The thumbnail to focus for an arrow key: neighbours in reading order, or the nearest one a row up/down. */
function target(buttons: HTMLElement[], from: number, key: string): number | null {
  if (key === 'ArrowRight') return Math.min(buttons.length - 1, from + 1);
  if (key === 'ArrowLeft') return Math.max(0, from - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return buttons.length - 1;
  if (key !== 'ArrowDown' && key !== 'ArrowUp') return null;
  const here = buttons[from]?.getBoundingClientRect();
  if (!here) return null;
  const down = key === 'ArrowDown';
  const rows = buttons.map((b) => b.getBoundingClientRect());
  const candidates = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => (down ? r.top > here.bottom - 2 : r.bottom < here.top + 2));
  if (candidates.length === 0) return from;
  const rowTop = down ? Math.min(...candidates.map((c) => c.r.top)) : Math.max(...candidates.map((c) => c.r.top));
  const row = candidates.filter((c) => Math.abs(c.r.top - rowTop) < 2);
  const x = here.left + here.width / 2;
  return row.reduce((best, c) =>
    Math.abs(c.r.left + c.r.width / 2 - x) < Math.abs(best.r.left + best.r.width / 2 - x) ? c : best,
  ).i;
}

export interface FrameStripProps {
  frames: readonly StripFrame[];
  expected: number;
  /** The size every sampled frame is resized to (the plan's), which the pending placeholders take the shape of. */
  frameSize: { width: number; height: number };
  /** The video's average fps (Video-R2's timeline) and its first frame's time. */
  averageFps: number;
  startTime: number;
  onSeek: (t: number) => void;
  /** Drawn over every thumbnail of frame pair `pair` (the model's temporal patch: frames 2·pair and 2·pair + 1). */
  overlay?: ((pair: number) => ReactNode) | undefined;
}

export function FrameStrip({ frames, expected, frameSize, averageFps, startTime, onSeek, overlay }: FrameStripProps) {
  const slots: (StripFrame | null)[] = Array.from(
    { length: Math.max(expected, frames.length) },
    (_, i) => frames[i] ?? null,
  );
  const pairs: (StripFrame | null)[][] = [];
  for (let i = 0; i < slots.length; i += 2) pairs.push(slots.slice(i, i + 2));
  const [active, setActive] = useState(0);
  const focusIndex = Math.min(active, Math.max(0, frames.length - 1));
  const strip = useRef<HTMLDivElement>(null);
  const [moreBelow, setMoreBelow] = useState(false);
  const differing = frames.filter((f) => timesDiffer(f, averageFps, startTime)).length;

  const measure = () => {
    const el = strip.current;
    if (el) setMoreBelow(el.scrollHeight - el.scrollTop - el.clientHeight > 4);
  };
  useEffect(measure, [frames.length, expected]);
  useEffect(() => {
    const el = strip.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(strip.current?.querySelectorAll<HTMLElement>('button.thumb') ?? []);
    const next = target(buttons, focusIndex, e.key);
    if (next === null) return;
    e.preventDefault();
    setActive(next);
    buttons[next]?.focus();
  };

  return (
    <div className="frame-strip-wrap">
      {differing > 0 ? (
        <p className="strip-note" data-testid="times-note">
          Thumbnails show and seek to each frame's real time. Video-R2 times frames by index ÷{' '}
          {averageFps.toFixed(3).replace(/\.?0+$/, '')} fps, so its times differ for {differing} of these frames (marked
          ≠; the tooltip gives both).
        </p>
      ) : null}
      <div
        ref={strip}
        className="frame-strip"
        data-testid="frame-strip"
        role="group"
        aria-label={`${frames.length} of ${expected} sampled frames (arrow keys move, Enter shows the frame in the player)`}
        onKeyDown={onKeyDown}
        onScroll={measure}
      >
        {pairs.map((p, i) => (
          <div className="frame-pair" key={i} title={`Temporal patch ${i + 1}: frames ${2 * i + 1} and ${2 * i + 2}`}>
            {p.map((f, j) =>
              f ? (
                <Thumb
                  key={f.ordinal}
                  frame={f}
                  averageFps={averageFps}
                  startTime={startTime}
                  tabbable={f.ordinal === focusIndex}
                  onSeek={onSeek}
                  onFocus={() => setActive(f.ordinal)}
                  overlay={overlay?.(i)}
                />
              ) : (
                <div
                  key={`pending-${j}`}
                  className="thumb pending"
                  style={thumbBox(frameSize.width, frameSize.height)}
                  aria-hidden
                />
              ),
            )}
          </div>
        ))}
      </div>
      {moreBelow ? (
        <button
          type="button"
          className="strip-more"
          tabIndex={-1}
          onClick={() => strip.current?.scrollBy({ top: strip.current.clientHeight * 0.8, behavior: 'smooth' })}
        >
          ↓ more frames below — scroll the strip
        </button>
      ) : null}
    </div>
  );
}
